import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Store } from '../../../store/index.js';
import { responseSchema } from '../zod-schemas.js';

export interface ServerInfo {
  readonly version: string;
  /** Whether this server runs jobs itself. */
  readonly embeddedAgent: boolean;
  /** Epoch ms when the server started. */
  readonly startedAt: number;
  readonly now: () => number;
}

const infoView = z.object({
  version: z.string(),
  store: z.enum(['sqlite', 'postgres']),
  embeddedAgent: z.boolean(),
  startedAt: z.string(),
  uptimeMs: z.number().int(),
});

/**
 * `GET /info` needs a credential: how the server is built and run (store driver, agent) helps an
 * attacker more than it helps an anonymous user. The version alone is public in `/openapi.json`.
 */
export function infoRoutes(app: FastifyInstance, store: Store, info: ServerInfo): void {
  app.get('/info', { config: { permission: 'authenticated' }, schema: { summary: 'Server version, store driver, agent, uptime', response: { 200: responseSchema(infoView) } } }, async () => ({
    version: info.version,
    store: store.driver,
    embeddedAgent: info.embeddedAgent,
    startedAt: new Date(info.startedAt).toISOString(),
    uptimeMs: Math.max(0, info.now() - info.startedAt),
  }));
}
