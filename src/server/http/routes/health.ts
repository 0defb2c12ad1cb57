import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { toGantryError } from '../../../core/index.js';
import { sendProblem } from '../problem.js';
import { responseSchema } from '../zod-schemas.js';

/**
 * A readiness check: resolves when its part works, rejects (ideally with a GantryError such as
 * STORE_UNAVAILABLE) when it does not. Called for every /readyz, concurrently with requests.
 */
export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<void>;
}

const ok = responseSchema(z.object({ status: z.literal('ok') }));

/** `/healthz`: the process answers. `/readyz`: every part the server needs works (store, later the agent). */
export function healthRoutes(app: FastifyInstance, checks: readonly ReadinessCheck[]): void {
  app.get('/healthz', { config: { permission: 'public' }, schema: { response: { 200: ok } } }, async () => ({ status: 'ok' as const }));
  app.get('/readyz', { config: { permission: 'public' }, schema: { response: { 200: ok } } }, async (request, reply) => {
    for (const { name, check } of checks) {
      try {
        await check();
      } catch (err) {
        const error = toGantryError(err, 'STORE_UNAVAILABLE');
        request.log.warn({ check: name, err }, 'not ready');
        return sendProblem(reply, error, 503);
      }
    }
    return { status: 'ok' as const };
  });
}
