import { Command, CommanderError, Option } from 'commander';
import { GantryError } from '../core/index.js';
import { EXIT, exitCodeForError } from './exit-codes.js';
import { collect } from './key-values.js';
import { agentCommands, deliveryCommands, projectAdminCommands } from './api-commands.js';
import { accountCommands } from './account-commands.js';
import { remoteAgentCommands } from './remote-agent-commands.js';

/**
 * The `gantry` command line. Commands load their modules lazily so `gantry lint` does not pay for
 * the engine and runner, and `--help` pays for nothing. Every action resolves an exit code; the
 * table is in exit-codes.ts and docs/cli.md.
 */
type Action = () => Promise<number>;

function eventOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--event <name>', 'event to compile for').choices(['push', 'pull_request', 'tag', 'manual', 'cron', 'api']))
    .option('--branch <name>', 'branch (default: the current git branch)')
    .option('--tag <name>', 'tag name (implies --event tag)')
    .option('--input <key=value>', 'manual input (repeatable)', collect);
}

/** `gantry secret set|rm|ls`: instance secrets, or a project's with --project. Values never go in argv unless --value says so. */
function secretCommands(program: Command, run: (action: Action) => void, client: (cmd: Command) => Command): void {
  const secret = program.command('secret').description('secrets given to the jobs that name them (${{ secrets.NAME }}); values are write-only');
  const scoped = (cmd: Command) => client(cmd.option('--project <name>', 'a project\'s secret (default: an instance secret, admin only)').option('--json', 'as JSON'));
  scoped(secret.command('set').description('create or replace a secret; the value is read from a prompt that does not echo, or stdin').argument('<name>', 'NAME: A-Z, 0-9, _ (not GANTRY_*)'))
    .option('--value-stdin', 'read the value from stdin (one trailing newline is dropped)')
    .option('--value <value>', 'UNSAFE: the value on the command line (visible in shell history and `ps`)')
    .addHelpText('after', '\nExamples:\n  gantry secret set DEPLOY_TOKEN --project web                 (prompts, nothing echoed)\n  gantry secret set NPM_TOKEN --value-stdin < ~/.npm-token\n  vault read -field=key ci/registry | gantry secret set REGISTRY_KEY --project web --value-stdin')
    .action((name: string, flags) => run(async () => (await import('./commands/secret.js')).secretSetCommand(name, flags)));
  scoped(secret.command('rm').description('delete a secret').argument('<name>', 'secret name'))
    .addHelpText('after', '\nExamples:\n  gantry secret rm DEPLOY_TOKEN --project web')
    .action((name: string, flags) => run(async () => (await import('./commands/secret.js')).secretRmCommand(name, flags)));
  scoped(secret.command('ls').description('list secret names (never values)'))
    .addHelpText('after', '\nExamples:\n  gantry secret ls\n  gantry secret ls --project web --json')
    .action((flags) => run(async () => (await import('./commands/secret.js')).secretLsCommand(flags)));
}

/**
 * `gantry server` parses its own flags (generated from the settings schema in src/config), so they
 * pass through here untouched; `project` talks to a server through the API client. Both load their
 * modules only when run.
 */
function serverCommands(program: Command, run: (action: Action) => void): void {
  program
    .command('server')
    .description('start the Gantry server (API, webhooks, runs); `gantry server --help` lists every setting')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument('[flags...]', 'server flags (see gantry server --help)')
    .action((args: string[]) => run(async () => (await import('./commands/server.js')).serverCommand(args)));

  const client = (cmd: Command) =>
    cmd
      .option('--server <url>', 'server URL [env GANTRY_SERVER; default http://127.0.0.1:8080]')
      .option('--token <token>', 'API token [env GANTRY_TOKEN]');
  const project = program.command('project').description('projects registered with a Gantry server');
  client(
    project
      .command('add')
      .description('register a git repository with the server')
      .argument('<name>', 'project name: lowercase letters, digits, - _ .')
      .requiredOption('--repo <url>', 'clone URL: absolute path, file://, http(s)://, ssh:// or git@host:path')
      .addOption(new Option('--forge <kind>', 'where webhooks come from').choices(['github', 'gitea', 'gitlab', 'generic']))
      .option('--secret <secret>', 'webhook secret (HMAC key; GitLab: the token)')
      .option('--branch <name>', 'default branch (default main)')
      .option('--poll <interval>', 'poll the repository with git ls-remote this often (e.g. 5m)')
      .option('--auto-cancel', 'cancel older runs of a branch when a new one starts')
      .option('--max-concurrent-runs <n>', 'most runs of this project at once')
      .option('--priority <n>', 'priority among projects (-100..100, default 0)'),
  )
    .addHelpText('after', '\nExamples:\n  gantry project add web --repo git@github.com:acme/web.git --forge github --secret "$HOOK_SECRET"\n  gantry project add tools --repo /srv/git/tools.git --poll 5m --token "$GANTRY_TOKEN"')
    .action((name: string, flags) => run(async () => (await import('./commands/project.js')).projectAddCommand(name, flags)));
  client(project.command('list').description('list projects').option('--json', 'as JSON'))
    .addHelpText('after', '\nExamples:\n  gantry project list\n  gantry project list --json --server http://ci.internal:8080')
    .action((flags) => run(async () => (await import('./commands/project.js')).projectListCommand(flags)));
  secretCommands(program, run, client);
  projectAdminCommands(project, run, client);
  deliveryCommands(program, run, client);
  agentCommands(program, run, client);
  remoteAgentCommands(program.commands.find((c) => c.name() === 'agent')!, run, client);
  accountCommands(program, run, client);

  client(program.command('runs').description("list a project's runs, newest first").argument('<project>', 'project name'))
    .option('--status <status>', 'only runs in this status (comma-separated for several)')
    .option('--branch <name>', 'only runs of this branch')
    .addOption(new Option('--event <kind>', 'only runs started by this event').choices(['push', 'pull_request', 'tag', 'cron', 'manual', 'api']))
    .option('--limit <n>', 'at most this many (default 50)')
    .option('--before <number>', 'only runs numbered below this (the next page)')
    .option('--json', 'as JSON')
    .addHelpText('after', '\nExamples:\n  gantry runs web\n  gantry runs web --status failure,error --branch main --json\n  gantry runs web --event tag --limit 10 --before 120')
    .action((project: string, flags) => run(async () => (await import('./commands/runs.js')).runsCommand(project, flags)));
  const runCmd = program.command('run').description('one run of a project');
  client(runCmd.command('show').description('a run with its jobs, steps, statuses, timings and reasons').argument('<project>', 'project name').argument('<number>', 'run number'))
    .option('--json', 'as JSON')
    .addHelpText('after', '\nExamples:\n  gantry run show web 42\n  gantry run show web 42 --json')
    .action((project: string, number: string, flags) => run(async () => (await import('./commands/runs.js')).runShowCommand(project, number, flags)));
  client(runCmd.command('cancel').description('cancel a queued or running run (always() steps still run)').argument('<project>', 'project name').argument('<number>', 'run number'))
    .option('--json', 'the run as JSON')
    .addHelpText('after', '\nExamples:\n  gantry run cancel web 42')
    .action((project: string, number: string, flags) => run(async () => (await import('./commands/runs.js')).runCancelCommand(project, number, flags)));
  client(runCmd.command('retry').description('start a new run of the same commit and plan').argument('<project>', 'project name').argument('<number>', 'run number'))
    .option('--failed', 'run only the jobs that did not succeed; successful ones are carried over with their outputs')
    .option('--json', 'the new run as JSON')
    .addHelpText('after', '\nExamples:\n  gantry run retry web 42\n  gantry run retry web 42 --failed')
    .action((project: string, number: string, flags) => run(async () => (await import('./commands/runs.js')).runRetryCommand(project, number, flags)));
  for (const decision of ['approve', 'reject'] as const) {
    const what = decision === 'approve' ? 'let a job that waits for approval (protected environment) run' : 'refuse a job that waits for approval: it fails and the jobs needing it are skipped';
    client(runCmd.command(decision).description(what).argument('<project>', 'project name').argument('<number>', 'run number').argument('[job]', 'job id (default: the one job waiting for approval)'))
      .option('--comment <text>', 'why (stored with the decision and shown on the run)')
      .option('--json', 'the run as JSON')
      .addHelpText('after', `\nExamples:\n  gantry run ${decision} web 42\n  gantry run ${decision} web 42 deploy-production --comment "release 1.4"`)
      .action((project: string, number: string, job: string | undefined, flags) => run(async () => (await import('./commands/approve.js')).decideCommand(decision, project, number, job, flags)));
  }
  client(program.command('trigger').description('start a run of a project now (default: its default branch)').argument('<project>', 'project name'))
    .option('--branch <name>', 'branch to build')
    .option('--tag <name>', 'tag to build')
    .option('--sha <commit>', 'exact commit to build (full id)')
    .option('--input <key=value>', 'input declared under on.manual.inputs (repeatable)', collect)
    .addOption(new Option('--event <kind>', 'event kind of the run').choices(['manual', 'api']).default('manual'))
    .option('-f, --follow', 'show the run live (as gantry exec does) and exit with its result')
    .option('--no-color', 'no colours (also NO_COLOR)')
    .option('--json', 'the run as JSON; with --follow, its events as JSON lines')
    .addHelpText('after', '\nExamples:\n  gantry trigger web\n  gantry trigger web --branch release/1.2 --input target=production\n  gantry trigger web --follow')
    .action((project: string, flags) => run(async () => (await import('./commands/runs.js')).triggerCommand(project, flags)));
  const artifacts = client(program.command('artifacts').description("a run's artifacts: list them, or `download` one").argument('<project>', 'project name').argument('<run>', 'run number'))
    .option('--json', 'as JSON')
    .addHelpText('after', '\nExamples:\n  gantry artifacts web 42\n  gantry artifacts download web 42 coverage\n  gantry artifacts download web 42 3 -o - | tar -tz')
    .action((project: string, number: string, flags) => run(async () => (await import('./commands/artifacts.js')).artifactsCommand(project, number, flags)));
  client(artifacts.command('download').description('download one artifact of a run (a .tar.gz), checked against its sha256').argument('<project>', 'project name').argument('<run>', 'run number').argument('<artifact>', 'artifact id or name'))
    .option('-o, --output <file>', 'where to write it (default ./NAME.tar.gz; - for stdout)')
    .action((project: string, number: string, which: string, flags) => run(async () => (await import('./commands/artifacts.js')).artifactsDownloadCommand(project, number, which, flags)));
  const cache = program.command('cache').description("a project's cache entries: list them, or delete a bad one");
  client(cache.command('ls').description('list the cache entries, most recently used first').argument('<project>', 'project name'))
    .option('--json', 'as JSON')
    .action((project: string, flags) => run(async () => (await import('./commands/cache.js')).cacheListCommand(project, flags)));
  client(cache.command('rm').description('delete a cache entry (the next run saves a fresh one under its key)').argument('<project>', 'project name').argument('<id>', 'entry id (gantry cache ls)'))
    .addHelpText('after', '\nExamples:\n  gantry cache ls web\n  gantry cache rm web 12')
    .action((project: string, id: string, flags) => run(async () => (await import('./commands/cache.js')).cacheRemoveCommand(project, id, flags)));
  client(program.command('logs').description("a job's log; every job's, in order, without JOB").argument('<project>', 'project name').argument('<run>', 'run number').argument('[job]', 'job id'))
    .option('-f, --follow', 'print new lines as they come until the job ends (exit 1 unless it succeeded)')
    .option('--json', 'one JSON object per line (seq, step, stream, line, time)')
    .addHelpText('after', '\nExamples:\n  gantry logs web 42 test\n  gantry logs web 42 test -f\n  gantry logs web 42 --json')
    .action((project: string, number: string, job: string | undefined, flags) => run(async () => (await import('./commands/logs.js')).logsCommand(project, number, job, flags)));
}

export function buildProgram(run: (action: Action) => void): Command {
  const program = new Command('gantry')
    .description('Self-hosted CI/CD. Run pipelines locally with `gantry exec`.')
    .version('0.1.0')
    .showSuggestionAfterError(true)
    .exitOverride();

  eventOptions(
    program
      .command('exec')
      .description('run the pipeline here, now (default file .gantry.yml)')
      .argument('[file]', 'pipeline file', undefined),
  )
    .option('-j, --job <name>', 'run only this job and what it needs (repeatable)', collect)
    .option('--env <key=value>', 'add a top-level env variable (repeatable)', collect)
    .option('--secret <key=value>', 'a secret, masked in output (repeatable)', collect)
    .option('--secret-file <file>', 'dotenv-style file of secrets (KEY=VALUE lines)')
    .option('-p, --parallel <n>', 'most jobs at once (default: number of CPUs)')
    .option('--docker-host <url>', 'Docker/Podman API for jobs with image: (default: DOCKER_HOST)')
    .option('--docker-cert-path <dir>', 'TLS for a tcp:// docker host: ca.pem, cert.pem, key.pem (default: DOCKER_CERT_PATH when DOCKER_TLS_VERIFY is set)')
    .option('--cache-max-size <size>', 'most disk the local cache (.git/gantry/cache) may use, e.g. 500m; least recently used entries go first (default 2g)')
    .option('--json', 'newline-delimited JSON events instead of the live view')
    .option('--no-color', 'no colours (NO_COLOR is respected too)')
    .addHelpText(
      'after',
      `
Examples:
  gantry exec                                  run .gantry.yml for a push on the current branch
  gantry exec --job test --parallel 4          only "test" (and its needs)
  gantry exec --event tag --tag v1.2.0         as if v1.2.0 was pushed
  gantry exec --secret-file .secrets --json    secrets from a file, events as NDJSON
  GANTRY_SECRET_TOKEN=xyz gantry exec          secrets.TOKEN from the environment

Exit codes: 0 success, 1 run failed, 2 usage error, 3 invalid pipeline, 4 system error, 130 interrupted.`,
    )
    .action((file: string | undefined, flags) => run(async () => (await import('./commands/exec.js')).execCommand(file, flags)));

  program
    .command('lint')
    .description('check a pipeline file and print every problem')
    .argument('[file]', 'pipeline file (default .gantry.yml)')
    .option('--json', 'diagnostics as JSON')
    .option('--no-color', 'no colours')
    .addHelpText('after', '\nExamples:\n  gantry lint\n  gantry lint ci/other.yml --json\n\nExit codes: 0 no errors (warnings allowed), 1 errors found, 3 file not found.')
    .action((file: string | undefined, flags) => run(async () => (await import('./commands/lint.js')).lintCommand(file, flags)));

  eventOptions(program.command('plan').description('show what would run for an event, and why other jobs would not').argument('[file]', 'pipeline file'))
    .option('-j, --job <name>', 'only this job and what it needs (repeatable)', collect)
    .option('--json', 'the plan as JSON')
    .option('--no-color', 'no colours')
    .addHelpText('after', '\nExamples:\n  gantry plan --event push --branch main\n  gantry plan --event pull_request --branch feature/x\n  gantry plan --tag v1.0.0 --json')
    .action((file: string | undefined, flags) => run(async () => (await import('./commands/plan.js')).planCommand(file, flags)));

  eventOptions(program.command('graph').description('print the job graph as Mermaid or Graphviz DOT').argument('[file]', 'pipeline file'))
    .addOption(new Option('--format <format>', 'output format').choices(['mermaid', 'dot']).default('mermaid'))
    .addHelpText('after', '\nExamples:\n  gantry graph > graph.mmd\n  gantry graph --format dot | dot -Tsvg > graph.svg')
    .action((file: string | undefined, flags) => run(async () => (await import('./commands/graph.js')).graphCommand(file, flags)));

  serverCommands(program, run);

  const hooks = program.command('hooks').description('git hooks: run jobs before commit or push; notify a Gantry server after a push');
  hooks
    .command('install')
    .description('write git hooks that run `gantry exec --job ...` and block when it fails, or (--post-receive) notify a server')
    .option('--pre-commit <job>', 'job to run before each commit (repeatable)', collect)
    .option('--pre-push <job>', 'job to run before each push (repeatable)', collect)
    .option('--file <file>', 'pipeline file the hook runs (default .gantry.yml)')
    .option('--post-receive', 'in a BARE repository: tell the server of every pushed ref (signed)')
    .option('--server <url>', 'with --post-receive: the Gantry server, e.g. http://ci.example.com:8080')
    .option('--project <name>', 'with --post-receive: the project name on the server')
    .option('--secret <secret>', "with --post-receive: the project's webhook secret (default: keep the installed one, or generate)")
    .option('--repo <dir>', 'with --post-receive: the bare repository (default: the current directory)')
    .option('--force', 'replace a hook not written by gantry (kept as <hook>.pre-gantry)')
    .addHelpText(
      'after',
      '\nExamples:\n  gantry hooks install --pre-commit lint\n  gantry hooks install --pre-commit lint --pre-push test --force\n  gantry hooks install --post-receive --repo /srv/git/site.git --server http://127.0.0.1:8080 --project site --secret "$SECRET"',
    )
    .action((flags) => run(async () => (await import('./commands/hooks.js')).hooksInstallCommand(flags)));
  hooks
    .command('notify')
    .description('send pushed refs ("<old> <new> <ref>" lines on stdin) to the server; run by the post-receive hook; always exits 0')
    .option('--server <url>', 'the Gantry server')
    .option('--project <name>', 'the project name on the server')
    .option('--secret-file <file>', 'file holding the webhook secret (else GANTRY_WEBHOOK_SECRET)')
    .option('--repository <name>', 'repository name sent along (default: the directory name without .git)')
    .addHelpText('after', '\nExample:\n  echo "$OLD $NEW refs/heads/main" | gantry hooks notify --server http://127.0.0.1:8080 --project site --secret-file hooks/gantry-secret')
    .action((flags) => run(async () => (await import('./commands/hooks.js')).hooksNotifyCommand(flags)));
  hooks
    .command('uninstall')
    .description('remove hooks written by gantry (restoring any hook they replaced)')
    .option('--repo <dir>', 'the repository (default: the current directory)')
    .addHelpText('after', '\nExample:\n  gantry hooks uninstall')
    .action((flags) => run(async () => (await import('./commands/hooks.js')).hooksUninstallCommand(flags)));
  return program;
}

/** Prints an error the way every command does, and returns its exit code. */
export function reportError(err: unknown): number {
  if (err instanceof GantryError) {
    process.stderr.write(`gantry: error ${err.code}: ${err.message}\n`);
    const hint = err.details?.hint;
    if (typeof hint === 'string') process.stderr.write(`  hint: ${hint}\n`);
    return exitCodeForError(err.code);
  }
  const text = err instanceof Error ? (err.stack ?? err.message) : String(err);
  process.stderr.write(`gantry: error SYSTEM_INTERNAL: ${text}\n`);
  return EXIT.system;
}

/**
 * A closed pipe (`gantry exec --json | head`) is not an error worth a stack trace: leave quietly.
 * The steps we started stop with us: their spawner processes SIGKILL them when we exit.
 */
function exitOnBrokenPipe(): void {
  const onError = (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(EXIT.ok);
  };
  process.stdout.on('error', onError);
}

export async function main(argv: readonly string[]): Promise<number> {
  exitOnBrokenPipe();
  let pending: Promise<number> | undefined;
  const program = buildProgram((action) => {
    pending = action();
  });
  try {
    await program.parseAsync(argv as string[]);
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    return reportError(err);
  }
  if (!pending) return EXIT.ok;
  try {
    return await pending;
  } catch (err) {
    return reportError(err);
  }
}
