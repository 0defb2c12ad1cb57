import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { GantryError } from '../../../core/index.js';
import type { AgentToken, Store } from '../../../store/index.js';
import { generateToken, hashToken } from '../../auth/index.js';
import { requestSchema, responseSchema } from '../zod-schemas.js';

const createBody = z.object({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, 'letters, digits, _ . - (at most 63, starting with a letter or digit)'),
}).strict();
const tokenParams = z.object({ id: z.coerce.number().int().positive() }).strict();
const tokenView = z.object({ id: z.number().int(), name: z.string(), createdAt: z.string(), lastUsedAt: z.string().nullable() });
const createdView = tokenView.extend({ token: z.string() });
const tokenList = z.object({ tokens: z.array(tokenView) });

function toView(token: AgentToken): z.output<typeof tokenView> {
  return {
    id: token.id, name: token.name, createdAt: new Date(token.createdAt).toISOString(),
    lastUsedAt: token.lastUsedAt === null ? null : new Date(token.lastUsedAt).toISOString(),
  };
}

/**
 * Agent tokens (admin): what `gantry agent --token` presents on the agent port (docs/agents.md).
 * Shown once at creation and stored as sha256; deleting one locks out its agents at their very next
 * call (the agent port looks every call's token up). They never open this HTTP API.
 */
export function agentTokenRoutes(app: FastifyInstance, store: Store): void {
  const admin = { permission: 'admin' as const };

  app.post('/agent-tokens', { config: admin, schema: { summary: 'Create an agent token (shown once)', body: requestSchema(createBody), response: { 201: responseSchema(createdView) } } }, async (request, reply) => {
    const { name } = request.body as z.output<typeof createBody>;
    const token = generateToken();
    const stored = await store.agentTokens.create({ name, hash: hashToken(token) });
    request.log.info({ agentTokenId: stored.id, name, by: request.principal!.name }, 'agent token created');
    return reply.code(201).send({ ...toView(stored), token });
  });

  app.get('/agent-tokens', { config: admin, schema: { summary: 'List agent tokens', response: { 200: responseSchema(tokenList) } } }, async () => ({
    tokens: (await store.agentTokens.list()).map(toView),
  }));

  app.delete('/agent-tokens/:id', { config: admin, schema: { summary: 'Revoke an agent token (its agents are refused at once)', params: requestSchema(tokenParams), response: { 204: { type: 'null' } } } }, async (request, reply) => {
    const { id } = request.params as z.output<typeof tokenParams>;
    if (!(await store.agentTokens.delete(id))) throw new GantryError('AGENT_TOKEN_NOT_FOUND', `no agent token ${id}`);
    request.log.info({ agentTokenId: id, by: request.principal!.name }, 'agent token revoked');
    return reply.code(204).send();
  });
}
