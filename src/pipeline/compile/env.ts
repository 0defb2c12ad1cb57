/** Env maps as the plan carries them: every value a string; templates kept as written. */
export function stringifyEnv(env: Record<string, string | number | boolean> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env ?? {})) out[key] = String(value);
  return out;
}
