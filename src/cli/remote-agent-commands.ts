import type { Command } from 'commander';

type Run = (action: () => Promise<number>) => void;
type Client = (cmd: Command) => Command;

/**
 * `gantry agent [run] --server URL --token T …` (the remote agent; `run` is the default subcommand,
 * so `gantry agent --server …` works) and `gantry agent token create|ls|revoke` (admin), added to
 * the `agent` command group.
 */
export function remoteAgentCommands(agent: Command, run: Run, client: Client): void {
  agent
    .command('run', { isDefault: true })
    .description('run a remote agent: take jobs from a server\'s agent port and run them on this machine')
    .option('--server <url>', 'agent port of the server: grpc://HOST:PORT, or grpcs://HOST:PORT for TLS [env GANTRY_AGENT_SERVER]')
    .option('--token <token>', 'agent token (gantry agent token create) [env GANTRY_AGENT_TOKEN]')
    .option('--labels <a,b>', `labels jobs' runs_on must match [env GANTRY_AGENT_LABELS; default local,${process.platform}]`)
    .option('--capacity <n>', 'jobs run at once [env GANTRY_AGENT_CAPACITY; default 1]')
    .option('--backend <local|docker>', 'local: host processes; docker: jobs with image: in containers [env GANTRY_AGENT_BACKEND; default local]')
    .option('--docker-host <url>', 'Docker/Podman API socket for --backend docker: unix:///path or tcp://HOST:PORT [env GANTRY_AGENT_DOCKER_HOST; default DOCKER_HOST]')
    .option('--docker-cert-path <dir>', 'TLS for a tcp:// --docker-host: ca.pem, cert.pem, key.pem [env GANTRY_AGENT_DOCKER_CERT_PATH; default DOCKER_CERT_PATH when DOCKER_TLS_VERIFY is set]')
    .option('--work-dir <dir>', 'where job workspaces are made [env GANTRY_AGENT_WORK_DIR; default ./gantry-agent-work]')
    .option('--name <name>', 'this agent\'s name; its id is <token name>/<name> [env GANTRY_AGENT_NAME; default the host name]')
    .option('--ca <file>', 'TLS: CA certificate of the server [env GANTRY_AGENT_CA]')
    .option('--cert <file>', 'mutual TLS: this agent\'s certificate [env GANTRY_AGENT_CERT]')
    .option('--key <file>', 'mutual TLS: this agent\'s key [env GANTRY_AGENT_KEY]')
    .addHelpText('after', '\nExamples:\n  gantry agent --server grpc://ci.example.com:8081 --token "$(cat agent.token)" --labels linux,docker --capacity 4\n  GANTRY_AGENT_SERVER=grpcs://ci.example.com:8081 GANTRY_AGENT_TOKEN=… gantry agent --ca ca.pem\n\nThe first SIGTERM/Ctrl-C drains (no new jobs; running ones finish); a second cancels them. Docs: docs/agents.md')
    .action((flags) => run(async () => (await import('./commands/agent-run.js')).agentRunCommand(flags)));

  const token = agent.command('token').description('tokens remote agents connect with (admin)');
  client(token.command('create').description('create an agent token (printed once)').argument('<name>', 'token name; its agents are named <name>/<agent name>').option('--json', 'as JSON'))
    .addHelpText('after', '\nExamples:\n  gantry agent token create linux-fleet > agent.token')
    .action((name: string, flags) => run(async () => (await import('./commands/agent-token.js')).agentTokenCreateCommand(name, flags)));
  client(token.command('ls').description('list agent tokens').option('--json', 'as JSON'))
    .addHelpText('after', '\nExamples:\n  gantry agent token ls')
    .action((flags) => run(async () => (await import('./commands/agent-token.js')).agentTokenListCommand(flags)));
  client(token.command('revoke').description('revoke an agent token: its agents are refused at their next call').argument('<id>', 'token id (gantry agent token ls)').option('--json', 'as JSON'))
    .addHelpText('after', '\nExamples:\n  gantry agent token revoke 3')
    .action((id: string, flags) => run(async () => (await import('./commands/agent-token.js')).agentTokenRevokeCommand(id, flags)));
}
