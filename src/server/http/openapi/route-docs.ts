import type { FastifyInstance } from 'fastify';
import type { Permission } from '../auth.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Content type of a 2xx answer that is not JSON (`text/plain`, `text/event-stream`); routes
     * without a response schema say what they send here, for the OpenAPI document.
     */
    produces?: string;
  }
  interface FastifySchema {
    /** One line for the OpenAPI document. */
    summary?: string;
    description?: string;
  }
}

/** What the OpenAPI document needs of one route: taken from its declaration, nothing written twice. */
export interface RouteDoc {
  readonly method: string;
  /** Fastify form, with the prefix: `/api/v1/projects/:name`. */
  readonly url: string;
  readonly permission: Permission;
  readonly schema: RouteSchema;
  readonly produces: string | undefined;
}

/** The parts of a Fastify route schema the document reads (JSON Schemas made by zod-schemas.ts). */
export interface RouteSchema {
  readonly summary?: string;
  readonly description?: string;
  readonly params?: JsonSchema;
  readonly querystring?: JsonSchema;
  readonly body?: JsonSchema;
  readonly response?: Readonly<Record<string, JsonSchema>>;
}

export type JsonSchema = Readonly<Record<string, unknown>>;

/**
 * Records every route registered on `app` AFTER this call, in any plugin scope (onRoute hooks are
 * inherited), so routes added by any part of the server appear in the document without a list to
 * keep up to date. HEAD routes (Fastify adds one per GET) are left out. The array fills as routes are
 * registered; read it once the app is ready.
 */
export function collectRouteDocs(app: FastifyInstance): readonly RouteDoc[] {
  const routes: RouteDoc[] = [];
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === 'HEAD') continue;
      routes.push({
        method: method.toLowerCase(),
        url: route.url,
        // Routes without a permission are refused at registration by auth.ts; 'admin' is only for the type.
        permission: route.config?.permission ?? 'admin',
        schema: (route.schema ?? {}) as RouteSchema,
        produces: route.config?.produces,
      });
    }
  });
  return routes;
}
