import { Command, CommanderError } from 'commander';
import { flagHelp, flagSpec, loadConfig, serverSettings } from '../../config/index.js';
import { EXIT } from '../exit-codes.js';

/**
 * `gantry server`. Its flags are generated from the server settings schema (src/config), so this
 * command parses its own arguments: main.ts passes them through untouched and loads this module
 * only when `gantry server` runs. The server's packages (fastify, pino, SQLite) load only after the
 * configuration is valid, and never for other commands.
 */
export function serverProgram(): Command {
  const cmd = new Command('gantry server')
    .description('Start the Gantry server: REST API, webhooks, scheduler and embedded agent, with its SQLite database in the data dir.')
    .exitOverride()
    .allowExcessArguments(false)
    .option('--config <FILE>', 'YAML or JSON file of settings (keys as in the table below) [env GANTRY_CONFIG]');
  for (const info of serverSettings.settings) {
    cmd.option(flagSpec(info), flagHelp(info));
    if (info.shape === 'boolean') cmd.option(`--no-${info.flag}`, `same as --${info.flag} false`);
  }
  return cmd.addHelpText(
    'after',
    `
Every setting can come from the config file, a GANTRY_* environment variable or a flag; a flag beats
the environment, which beats the file, which beats the default. Durations: 30s, 5m, 1h30m.

Examples:
  gantry server                                        http://127.0.0.1:8080, data in ./gantry-data
  gantry server --listen 0.0.0.0:8080 --data-dir /var/lib/gantry
  GANTRY_ADMIN_TOKEN=$(cat token) gantry server --config /etc/gantry/server.yml

At first start, without GANTRY_ADMIN_TOKEN, an admin API token is generated and printed once.
Secrets are encrypted with <dataDir>/secret.key (or GANTRY_SECRET_KEY): back it up with the database;
\`gantry server rotate-secret-key --help\` replaces it (docs/secrets.md).
SIGTERM or Ctrl-C stops the server gracefully (exit 0). Docs: docs/server.md`,
  );
}

/** Resolves with the first SIGTERM/SIGINT; later ones get Node's default (immediate exit). */
function stopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const handler = (signal: NodeJS.Signals) => {
      process.off('SIGTERM', handler);
      process.off('SIGINT', handler);
      resolve(signal);
    };
    process.on('SIGTERM', handler);
    process.on('SIGINT', handler);
  });
}

function rotateKeyProgram(): Command {
  return new Command('gantry server rotate-secret-key')
    .description('Re-encrypt every stored secret and webhook secret under a new key, and write the new key to <dataDir>/secret.key. Stop the server first.')
    .exitOverride()
    .allowExcessArguments(false)
    .option('--config <FILE>', 'YAML or JSON file of settings [env GANTRY_CONFIG]')
    .option('--data-dir <DIR>', 'the server\'s data directory [env GANTRY_DATA_DIR; default ./gantry-data]')
    .addHelpText('after', `
The old key is kept in the key file until every value moved, so an interrupted rotation loses nothing:
run the command again to finish it. When GANTRY_SECRET_KEY (setting secretKey) is set it wins over the
key file: set it to the new key (first line of the file) or unset it before starting the server.

Examples:
  gantry server rotate-secret-key --data-dir /var/lib/gantry
  gantry server rotate-secret-key --config /etc/gantry/server.yml

Docs: docs/secrets.md`);
}

/** Parsed flags, or the exit code when commander already answered (--help: 0, a bad flag: 2). */
function parseFlags(cmd: Command, args: readonly string[]): Record<string, unknown> | number {
  try {
    cmd.parse(args as string[], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    throw err;
  }
  return cmd.opts<Record<string, unknown>>();
}

/** Server settings: defaults < --config file (or GANTRY_CONFIG) < GANTRY_* < `settings` from flags. */
function serverConfig(flags: Record<string, unknown>, settings: Record<string, unknown>) {
  if (process.env.GANTRY_AGENT_CAPACITY && !process.env.GANTRY_EMBEDDED_AGENT_CAPACITY) {
    process.stderr.write('warning: GANTRY_AGENT_CAPACITY is for `gantry agent`; the server\'s embedded agent reads GANTRY_EMBEDDED_AGENT_CAPACITY (or --agent-capacity)\n');
  }
  return loadConfig(serverSettings, {
    configFile: (flags.config as string | undefined) ?? (process.env.GANTRY_CONFIG || undefined),
    env: process.env,
    flags: settings,
    context: { cwd: process.cwd(), isTty: process.stdout.isTTY === true },
  });
}

/** `gantry server rotate-secret-key`: offline, on the data dir's database. */
async function rotateKeyCommand(args: readonly string[]): Promise<number> {
  const flags = parseFlags(rotateKeyProgram(), args);
  if (typeof flags === 'number') return flags;
  const config = serverConfig(flags, flags.dataDir === undefined ? {} : { dataDir: flags.dataDir });
  const { rotateServerSecretKey } = await import('../../server/index.js');
  const report = await rotateServerSecretKey(config);
  process.stdout.write(`re-encrypted ${report.secrets} secret(s) and ${report.webhookSecrets} webhook secret(s); the new key is in ${report.keyFile}\n`);
  if (!report.complete) process.stderr.write('warning: values changed during the rotation (is the server running?); the old key stays in the key file: run the command again\n');
  if (report.settingInUse) process.stderr.write(`warning: GANTRY_SECRET_KEY / secretKey is set and wins over ${report.keyFile}: set it to the new key or unset it before starting the server\n`);
  return EXIT.ok;
}

export async function serverCommand(args: readonly string[]): Promise<number> {
  if (args[0] === 'rotate-secret-key') return rotateKeyCommand(args.slice(1));
  const flags = parseFlags(serverProgram(), args);
  if (typeof flags === 'number') return flags;
  const isTty = process.stdout.isTTY === true;
  const config = serverConfig(flags, flags);
  // Listening before start-up finishes: a SIGTERM during start stops the server right after.
  const stopping = stopSignal();
  const { startServer } = await import('../../server/index.js');
  const running = await startServer(config, { colorize: isTty });
  const signal = await stopping;
  await running.stop(`received ${signal}`);
  return EXIT.ok;
}
