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

export async function serverCommand(args: readonly string[]): Promise<number> {
  const cmd = serverProgram();
  try {
    cmd.parse(args as string[], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    throw err;
  }
  const flags = cmd.opts<Record<string, unknown>>();
  const isTty = process.stdout.isTTY === true;
  const config = loadConfig(serverSettings, {
    configFile: (flags.config as string | undefined) ?? (process.env.GANTRY_CONFIG || undefined),
    env: process.env,
    flags,
    context: { cwd: process.cwd(), isTty },
  });
  // Listening before start-up finishes: a SIGTERM during start stops the server right after.
  const stopping = stopSignal();
  const { startServer } = await import('../../server/index.js');
  const running = await startServer(config, { colorize: isTty });
  const signal = await stopping;
  await running.stop(`received ${signal}`);
  return EXIT.ok;
}
