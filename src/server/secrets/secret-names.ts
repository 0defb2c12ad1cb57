import { z } from 'zod';

export const SECRET_NAME_PATTERN = /^[A-Z_][A-Z0-9_]*$/;
/** Fastify refuses longer path parameters anyway. */
export const MAX_SECRET_NAME_LENGTH = 100;
/** 64 KiB: room for keys and certificates, not for files (those belong in artifacts). */
export const MAX_SECRET_VALUE_BYTES = 65_536;

/** `GANTRY_*` is Gantry's own namespace in a step's environment. */
export const secretName = z
  .string()
  .max(MAX_SECRET_NAME_LENGTH, `at most ${MAX_SECRET_NAME_LENGTH} characters`)
  .regex(SECRET_NAME_PATTERN, 'upper-case letters, digits and _, not starting with a digit (e.g. DEPLOY_TOKEN)')
  .refine((name) => !name.startsWith('GANTRY_'), 'names starting with GANTRY_ are reserved');
