import { Argument, Option, type Command } from 'commander';

/**
 * Registration of the account commands: login, logout, user, token. Modules load only when a
 * command runs (like every command in main.ts).
 */
type Action = () => Promise<number>;
type Run = (action: Action) => void;
type Client = (cmd: Command) => Command;

export function accountCommands(program: Command, run: Run, client: Client): void {
  const login = () => import('./commands/login.js');
  program
    .command('login')
    .description('log in to a server and save an API token for it (in ~/.config/gantry/credentials.json, mode 0600)')
    .argument('[url]', 'server URL [default: --server, GANTRY_SERVER or http://127.0.0.1:8080]')
    .option('--server <url>', 'server URL (same as the argument)')
    .option('--username <name>', 'username (default: asked on the terminal)')
    .option('--password-stdin', 'read the password from stdin (default: asked on the terminal, not echoed)')
    .option('--expires-in <duration>', 'the saved token expires after this long (e.g. 90d; default never)')
    .option('--json', 'as JSON')
    .addHelpText('after', '\nExamples:\n  gantry login https://ci.example.com\n  gantry login http://127.0.0.1:8080 --username admin --password-stdin < admin-password.txt')
    .action((url: string | undefined, flags) => run(async () => (await login()).loginCommand(url, flags)));
  program
    .command('logout')
    .description('revoke and forget the API token saved for a server')
    .argument('[url]', 'server URL [default: --server, GANTRY_SERVER or http://127.0.0.1:8080]')
    .option('--server <url>', 'server URL (same as the argument)')
    .option('--json', 'as JSON')
    .addHelpText('after', '\nExamples:\n  gantry logout\n  gantry logout https://ci.example.com')
    .action((url: string | undefined, flags) => run(async () => (await login()).logoutCommand(url, flags)));

  const users = () => import('./commands/user.js');
  const user = program.command('user').description('accounts and project roles (docs/auth.md)');
  client(user.command('add').description('create a user (admins only); the password is asked for, or read from stdin').argument('<username>', 'lowercase letters, digits, . _ -'))
    .option('--admin', 'make the user an instance admin')
    .option('--display-name <name>', 'name shown in the UI')
    .option('--password-stdin', 'read the password from stdin')
    .option('--json', 'as JSON')
    .addHelpText('after', '\nExamples:\n  gantry user add alice\n  pwgen 24 1 | tee alice.txt | gantry user add alice --password-stdin --admin')
    .action((username: string, flags) => run(async () => (await users()).userAddCommand(username, flags)));
  client(user.command('ls').description('list users (admins only)').option('--json', 'as JSON'))
    .addHelpText('after', '\nExamples:\n  gantry user ls\n  gantry user ls --json')
    .action((flags) => run(async () => (await users()).userListCommand(flags)));
  client(user.command('rm').description('delete a user: their tokens and logins stop working at once').argument('<username>', 'username').option('--json', 'as JSON'))
    .addHelpText('after', '\nExamples:\n  gantry user rm bob')
    .action((username: string, flags) => run(async () => (await users()).userRemoveCommand(username, flags)));
  client(user.command('role').description("set a user's role in a project (maintainers of the project and admins)").argument('<username>', 'username').argument('<project>', 'project name'))
    .addArgument(new Argument('<role>', 'the role, or none to remove it').choices(['viewer', 'developer', 'maintainer', 'none']))
    .option('--json', 'as JSON')
    .addHelpText('after', '\nExamples:\n  gantry user role alice web developer\n  gantry user role bob web none')
    .action((username: string, project: string, role: string, flags) => run(async () => (await users()).userRoleCommand(username, project, role, flags)));

  const tokens = () => import('./commands/token.js');
  const token = program.command('token').description('personal API tokens for scripts and CI (shown once, stored hashed)');
  client(token.command('create').description('create a token and print it (only this once)').argument('<name>', 'what it is for, e.g. "deploy script"'))
    .option('--expires-in <duration>', 'expire after this long (e.g. 30d, 12h; at most 366d; default never)')
    .addOption(new Option('--scope <scope>', 'read: only reading projects; write: everything you may do').choices(['read', 'write']).default('write'))
    .option('--json', 'as JSON (includes the token)')
    .addHelpText('after', '\nExamples:\n  gantry token create ci --expires-in 90d\n  export GANTRY_TOKEN=$(gantry token create dashboard --scope read)')
    .action((name: string, flags) => run(async () => (await tokens()).tokenCreateCommand(name, flags)));
  client(token.command('ls').description('list your tokens (never the tokens themselves)'))
    .option('--all', "every user's tokens (admins only)")
    .option('--json', 'as JSON')
    .addHelpText('after', '\nExamples:\n  gantry token ls\n  gantry token ls --all --json')
    .action((flags) => run(async () => (await tokens()).tokenListCommand(flags)));
  client(token.command('revoke').description('revoke a token: it stops working at once').argument('<id>', 'token id (see gantry token ls)').option('--json', 'as JSON'))
    .addHelpText('after', '\nExamples:\n  gantry token revoke 12')
    .action((id: string, flags) => run(async () => (await tokens()).tokenRevokeCommand(id, flags)));
}
