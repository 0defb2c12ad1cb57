import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { GantryError, parseDuration } from '../../../core/index.js';
import type { ApiToken, Store } from '../../../store/index.js';
import { generateToken, hashToken } from '../../auth/api-tokens.js';
import { createdTokenView, createTokenBody, listTokensQuery, tokenList, tokenParams, toTokenView } from '../../auth/account-schemas.js';
import type { Principal } from '../auth.js';
import { requestSchema, responseSchema } from '../zod-schemas.js';

/**
 * Personal API tokens, for scripts and the CLI: shown once at creation, stored as sha256, optional
 * expiry, scope `read` (GET of what the owner may read) or `write` (everything the owner may do).
 * Everyone manages their own; an instance admin may list (`?all=true`) and revoke anyone's.
 * Bootstrap admin tokens have no user, so they cannot own tokens: log in as a user for that.
 */
const MAX_EXPIRY_MS = 366 * 86_400_000;

async function owners(store: Store, tokens: readonly ApiToken[]): Promise<Map<number, string>> {
  const ids = new Set(tokens.map((t) => t.userId).filter((id): id is number => id !== null));
  const names = new Map<number, string>();
  for (const id of ids) {
    const user = await store.users.getById(id);
    if (user) names.set(id, user.username);
  }
  return names;
}

function mayManage(principal: Principal, token: ApiToken): boolean {
  return principal.admin || (token.userId !== null && token.userId === principal.userId);
}

export function tokenRoutes(app: FastifyInstance, store: Store, now: () => number): void {
  const authenticated = { permission: 'authenticated' as const };

  app.post('/tokens', { config: authenticated, schema: { summary: 'Create a personal API token (shown once)', body: requestSchema(createTokenBody), response: { 201: responseSchema(createdTokenView) } } }, async (request, reply) => {
    const body = request.body as z.output<typeof createTokenBody>;
    const principal = request.principal!;
    if (principal.userId === null) {
      throw new GantryError('AUTH_FORBIDDEN', 'a bootstrap admin token cannot own API tokens; log in as a user (gantry login) and create them there');
    }
    let expiresAt: number | null = null;
    if (body.expiresIn !== undefined) {
      const ms = parseDuration(body.expiresIn);
      if (ms === undefined || ms <= 0 || ms > MAX_EXPIRY_MS) {
        throw new GantryError('API_INVALID_REQUEST', `expiresIn "${body.expiresIn}": expected a duration such as 30d or 12h, at most 366d`, {
          details: { problems: [{ field: 'expiresIn', message: 'expected a duration such as 30d or 12h, at most 366d' }] },
        });
      }
      expiresAt = now() + ms;
    }
    const token = generateToken();
    const stored = await store.tokens.create({ name: body.name, hash: hashToken(token), userId: principal.userId, scope: body.scope ?? 'write', expiresAt });
    request.log.info({ tokenId: stored.id, owner: principal.name, scope: stored.scope }, 'API token created');
    return reply.code(201).send({ ...toTokenView(stored, principal.name), token });
  });

  app.get('/tokens', { config: authenticated, schema: { summary: "List your API tokens (admins: everyone's with all=true)", querystring: requestSchema(listTokensQuery), response: { 200: responseSchema(tokenList) } } }, async (request) => {
    const principal = request.principal!;
    const { all } = request.query as z.output<typeof listTokensQuery>;
    if (all === 'true' && !principal.admin) throw new GantryError('AUTH_FORBIDDEN', 'only instance admins may list every token (all=true)');
    const tokens = all === 'true' || principal.userId === null
      ? (await store.tokens.list()).filter((t) => all === 'true' || t.userId === null)
      : await store.tokens.list({ userId: principal.userId });
    const names = await owners(store, tokens);
    return { tokens: tokens.map((t) => toTokenView(t, t.userId === null ? null : (names.get(t.userId) ?? null))) };
  });

  app.delete('/tokens/:id', { config: authenticated, schema: { summary: 'Revoke an API token', params: requestSchema(tokenParams), response: { 204: { type: 'null' } } } }, async (request, reply) => {
    const { id } = request.params as z.output<typeof tokenParams>;
    const token = await store.tokens.getById(id);
    // Someone else's token answers like a missing one: ids of others' tokens are not confirmed.
    if (!token || !mayManage(request.principal!, token)) throw new GantryError('TOKEN_NOT_FOUND', `no API token ${id} of yours`);
    await store.tokens.delete(id);
    request.log.info({ tokenId: id, by: request.principal!.name }, 'API token revoked');
    return reply.code(204).send();
  });
}
