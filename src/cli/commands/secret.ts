import type { SecretView } from '../../api-client/index.js';
import { GantryError } from '../../core/index.js';
import { connect, type ClientFlags } from '../api-session.js';
import { EXIT } from '../exit-codes.js';
import { promptLine, readAllTrimmed, type PromptIo } from '../prompt.js';
import { formatTable } from '../render/table.js';

/** `gantry secret set|rm|ls`: instance secrets, or a project's with --project (docs/secrets.md). */

export interface SecretFlags extends ClientFlags {
  project?: string;
  json?: boolean;
}

export interface SecretSetFlags extends SecretFlags {
  valueStdin?: boolean;
  /** Unsafe (shell history, `ps`); documented as such. */
  value?: string;
}

export type ValueInput = PromptIo;

/**
 * Where the value comes from, never an argument unless `--value` says so: `--value-stdin` reads
 * stdin to its end (one trailing newline dropped: `echo "$X" | …` stores $X), otherwise a prompt
 * that does not echo, on a terminal only.
 */
export async function readSecretValue(name: string, flags: SecretSetFlags, io: ValueInput): Promise<string> {
  if (flags.value !== undefined && flags.valueStdin) throw new GantryError('CONFIG_INVALID', 'give the value with --value-stdin or --value, not both');
  if (flags.value !== undefined) return flags.value;
  if (flags.valueStdin) return readAllTrimmed(io.stdin);
  if (!io.stdin.isTTY) {
    throw new GantryError('CONFIG_INVALID', 'stdin is not a terminal: pass --value-stdin to read the value from it', {
      details: { hint: `e.g. gantry secret set ${name} --value-stdin < token.txt` },
    });
  }
  return promptLine(`value of ${name} (not shown): `, io, true);
}

function where(flags: SecretFlags): string {
  return flags.project === undefined ? 'the instance' : `project ${flags.project}`;
}

export async function secretSetCommand(name: string, flags: SecretSetFlags): Promise<number> {
  const value = await readSecretValue(name, flags, { stdin: process.stdin, stderr: process.stderr });
  if (value === '') throw new GantryError('CONFIG_INVALID', 'the value is empty; to remove a secret use `gantry secret rm`');
  const secret = await connect(flags).call((api) => api.secrets.set(name, value, { project: flags.project }));
  if (flags.json) process.stdout.write(JSON.stringify(secret, null, 2) + '\n');
  else process.stdout.write(`set secret ${secret.name} in ${where(flags)}\n`);
  return EXIT.ok;
}

export async function secretRmCommand(name: string, flags: SecretFlags): Promise<number> {
  await connect(flags).call((api) => api.secrets.remove(name, { project: flags.project }));
  if (flags.json) process.stdout.write(JSON.stringify({ removed: name }) + '\n');
  else process.stdout.write(`removed secret ${name} from ${where(flags)}\n`);
  return EXIT.ok;
}

function table(secrets: readonly SecretView[]): string {
  return formatTable([['NAME', 'UPDATED', 'CREATED'], ...secrets.map((s) => [s.name, s.updatedAt, s.createdAt])]);
}

export async function secretLsCommand(flags: SecretFlags): Promise<number> {
  const secrets = await connect(flags).call((api) => api.secrets.list({ project: flags.project }));
  if (flags.json) process.stdout.write(JSON.stringify(secrets, null, 2) + '\n');
  else if (secrets.length === 0) process.stdout.write(`no secrets in ${where(flags)}: add one with \`gantry secret set NAME${flags.project ? ` --project ${flags.project}` : ''}\`\n`);
  else process.stdout.write(table(secrets));
  return EXIT.ok;
}
