import { Option, type Command } from 'commander';

/**
 * Registration of the API commands for projects (show, set, rm), webhook deliveries and agents.
 * Modules load only when a command runs (like every command in main.ts).
 */
type Action = () => Promise<number>;
type Run = (action: Action) => void;
type Client = (cmd: Command) => Command;

export function projectAdminCommands(project: Command, run: Run, client: Client): void {
  client(project.command('show').description('a project with its settings').argument('<name>', 'project name').option('--json', 'as JSON'))
    .addHelpText('after', '\nExamples:\n  gantry project show web\n  gantry project show web --json')
    .action((name: string, flags) => run(async () => (await import('./commands/project.js')).projectShowCommand(name, flags)));
  client(project.command('set').description("change a project's settings (flags not given keep their value)").argument('<name>', 'project name'))
    .option('--repo <url>', 'clone URL')
    .addOption(new Option('--forge <kind>', 'where webhooks come from').choices(['github', 'gitea', 'gitlab', 'generic']))
    .option('--branch <name>', 'default branch')
    .option('--poll <interval>', 'poll the repository this often (e.g. 5m), or "off"')
    .option('--auto-cancel', 'cancel older runs of a branch when a new one starts')
    .option('--no-auto-cancel', 'keep older runs of a branch running')
    .option('--max-concurrent-runs <n>', 'most runs of this project at once, or "none"')
    .option('--priority <n>', 'priority among projects (-100..100)')
    .option('--secret-stdin', 'read a new webhook secret from stdin (never from the command line)')
    .option('--no-secret', 'remove the webhook secret (webhooks are then refused)')
    .option('--protect <envs>', 'environments whose jobs wait for a maintainer\'s approval (comma-separated), or "none"')
    .option('--public', 'anyone may read the project, its runs and logs')
    .option('--no-public', 'only members may read it')
    .option('--json', 'the project as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  gantry project set web --branch trunk --poll off\n  gantry project set web --auto-cancel --max-concurrent-runs 2 --priority 10\n  gantry project set web --protect production,staging\n  openssl rand -hex 32 | gantry project set web --secret-stdin',
    )
    .action((name: string, flags) => run(async () => (await import('./commands/project.js')).projectSetCommand(name, flags)));
  client(project.command('rm').description('delete a project with its runs, logs, webhook deliveries and mirror (admin)').argument('<name>', 'project name'))
    .option('--yes', 'confirm the deletion')
    .addHelpText('after', '\nExamples:\n  gantry project rm old-site --yes')
    .action((name: string, flags) => run(async () => (await import('./commands/project.js')).projectRmCommand(name, flags)));
}

export function deliveryCommands(program: Command, run: Run, client: Client): void {
  client(program.command('deliveries').description("a project's webhook deliveries, newest first").argument('<project>', 'project name'))
    .option('--limit <n>', 'at most this many (default 50)')
    .option('--before <id>', 'only deliveries older than this id (the next page)')
    .option('--json', 'as JSON')
    .addHelpText('after', '\nExamples:\n  gantry deliveries web\n  gantry deliveries web --limit 10 --json')
    .action((project: string, flags) => run(async () => (await import('./commands/deliveries.js')).deliveriesCommand(project, flags)));
  const delivery = program.command('delivery').description('one webhook delivery of a project');
  client(delivery.command('show').description('a delivery with its headers and body').argument('<project>', 'project name').argument('<id>', 'delivery id'))
    .option('--json', 'as JSON')
    .addHelpText('after', '\nExamples:\n  gantry delivery show web 42')
    .action((project: string, id: string, flags) => run(async () => (await import('./commands/deliveries.js')).deliveryShowCommand(project, id, flags)));
  client(delivery.command('replay').description('process a stored delivery again (recorded as a new delivery; a push makes a new run)').argument('<project>', 'project name').argument('<id>', 'delivery id'))
    .option('--json', 'the new delivery and run as JSON')
    .addHelpText('after', '\nExamples:\n  gantry delivery replay web 42')
    .action((project: string, id: string, flags) => run(async () => (await import('./commands/deliveries.js')).deliveryReplayCommand(project, id, flags)));
}

export function agentCommands(program: Command, run: Run, client: Client): void {
  const agent = program.command('agent').description("the server's agents (admin)");
  client(agent.command('ls').description('agents with their state, labels and running jobs').option('--json', 'as JSON'))
    .addHelpText('after', '\nExamples:\n  gantry agent ls\n  gantry agent ls --json')
    .action((flags) => run(async () => (await import('./commands/agent.js')).agentListCommand(flags)));
  const actions = {
    pause: 'take no new job (running jobs go on)',
    resume: 'take jobs again',
    drain: 'take no new job, and pause once the running ones end',
  } as const;
  for (const [action, description] of Object.entries(actions) as [keyof typeof actions, string][]) {
    client(agent.command(action).description(description).argument('<id>', 'agent id (gantry agent ls)').option('--json', 'the agent as JSON'))
      .addHelpText('after', `\nExamples:\n  gantry agent ${action} embedded@ci-1`)
      .action((id: string, flags) => run(async () => (await import('./commands/agent.js')).agentActionCommand(action, id, flags)));
  }
}
