import type { FastifySchemaCompiler } from 'fastify';
import { z } from 'zod';
import { GantryError } from '../../core/index.js';

/**
 * Routes declare request and response schemas with zod. Fastify receives their JSON Schema form (so
 * an OpenAPI document can be generated from the routes later, and responses are serialized — and
 * filtered to the declared fields — by fast-json-stringify), while requests are VALIDATED by the zod
 * schema itself, which also checks what JSON Schema cannot express (repo URL forms, durations).
 * The JSON Schema object is the key back to its zod schema.
 */
const zodOf = new WeakMap<object, z.ZodType>();

export function requestSchema(schema: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { target: 'draft-7', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  delete json.$schema;
  zodOf.set(json, schema);
  return json;
}

export function responseSchema(schema: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { target: 'draft-7', io: 'output', unrepresentable: 'any' }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}

function field(part: string | undefined, path: readonly PropertyKey[]): string {
  const inner = path.map(String).join('.');
  if (part === 'body' || part === undefined) return inner || '(body)';
  return inner ? inner : `(${part})`;
}

/** Validation answers API_INVALID_REQUEST naming every bad field (`name: …; repoUrl: …`). */
export const zodValidatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  const zod = zodOf.get(schema as object);
  if (!zod) throw new Error(`route schema for ${httpPart ?? 'request'} was not declared with requestSchema()`);
  return (data: unknown) => {
    const result = zod.safeParse(data);
    if (result.success) return { value: result.data };
    const problems = result.error.issues.map((issue) => ({ field: field(httpPart, issue.path), message: issue.message }));
    const message = problems.map((p) => `${p.field}: ${p.message}`).join('; ');
    return { error: new GantryError('API_INVALID_REQUEST', message, { details: { problems } }) };
  };
};
