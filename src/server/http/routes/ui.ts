import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** Paths the UI never answers, so an unknown API URL stays a problem+json 404, not the SPA's HTML. */
const NOT_UI = /^\/(api|hooks|healthz|readyz|metrics)(\/|$|\?)/;

const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/**
 * Where `npm run build` put the web UI (`dist/web`): looked up from this module's directory upwards,
 * because this code runs from `src/server/http/routes` (tsx), `dist/` or `dist/chunks/` (bundle).
 * Undefined when the UI was not built.
 */
export function findWebRoot(from = dirname(fileURLToPath(import.meta.url))): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'dist', 'web');
    if (existsSync(join(candidate, 'index.html'))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * The web UI (docs/ui.md) at `/`: built files by path, and `index.html` for every other GET that is not
 * an API, webhook, health or metrics URL (client-side routes such as `/projects/web/runs/3`).
 *
 * One wildcard route instead of @fastify/static's own routes, which cannot declare the permission every
 * route must carry; @fastify/static only lends `reply.sendFile` (safe against `..`, ranges, ETags).
 * Registered before the OpenAPI collector, so these routes are not part of the API document.
 */
export async function uiRoutes(app: FastifyInstance, root: string): Promise<void> {
  await app.register(fastifyStatic, { root, serve: false });
  app.get('/*', { config: { permission: 'public' } }, (request, reply) => {
    const path = request.url.split('?')[0]!;
    if (NOT_UI.test(path)) return reply.callNotFound();
    const last = path.slice(path.lastIndexOf('/') + 1);
    if (last.includes('.')) {
      // Vite names built assets by content hash: they never change under the same name.
      const immutable = path.startsWith('/assets/');
      return reply.sendFile(path.slice(1), { maxAge: immutable ? '365d' : 0, immutable });
    }
    // The shell must never be cached: it names the current asset hashes. The policy keeps a log line
    // that got past escaping from running anything (ansi_up's colours are inline style attributes).
    reply.header('cache-control', 'no-cache');
    reply.header('content-security-policy', CSP);
    return reply.sendFile('index.html', { cacheControl: false });
  });
}
