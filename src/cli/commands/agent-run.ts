import { resolve } from 'node:path';
import pkg from '../../../package.json' with { type: 'json' };
import { AgentCallError, startRemoteAgent } from '../../agent/index.js';
import { GantryError } from '../../core/index.js';
import { dockerCertPathFromEnv } from '../../runner/index.js';
import { EXIT, exitCodeForError } from '../exit-codes.js';

/** Flags of `gantry agent [run]`; each falls back to its GANTRY_AGENT_* variable. */
export interface AgentRunFlags {
  server?: string;
  token?: string;
  labels?: string;
  capacity?: string;
  workDir?: string;
  name?: string;
  ca?: string;
  cert?: string;
  key?: string;
  backend?: string;
  dockerHost?: string;
  dockerCertPath?: string;
}

function setting(flags: AgentRunFlags, key: keyof AgentRunFlags, env: string): string | undefined {
  return flags[key] ?? (process.env[`GANTRY_AGENT_${env}`] || undefined);
}

/**
 * `gantry agent`: a remote agent. Registers with the server's agent port, runs jobs on this
 * machine (host processes; with `--backend docker` jobs with `image:` in containers of the engine
 * at --docker-host, GANTRY_AGENT_DOCKER_HOST or DOCKER_HOST) and reports back; reconnects with backoff while the server is away.
 * The first SIGTERM/SIGINT drains (no new job; running ones finish), a second cancels them.
 */
export async function agentRunCommand(flags: AgentRunFlags): Promise<number> {
  const server = setting(flags, 'server', 'SERVER');
  const token = setting(flags, 'token', 'TOKEN');
  if (!server) throw new GantryError('CONFIG_INVALID', 'no server: pass --server grpc://HOST:PORT (the server\'s agentListen) or set GANTRY_AGENT_SERVER');
  if (!token) throw new GantryError('CONFIG_INVALID', 'no agent token: pass --token or set GANTRY_AGENT_TOKEN (an admin creates one with `gantry agent token create NAME`)');
  const capacityText = setting(flags, 'capacity', 'CAPACITY') ?? '1';
  const capacity = Number(capacityText);
  if (!Number.isInteger(capacity) || capacity < 1 || capacity > 1024) throw new GantryError('CONFIG_INVALID', `--capacity ${capacityText}: expected an integer from 1 to 1024`);
  const labels = (setting(flags, 'labels', 'LABELS') ?? `local,${process.platform}`).split(',').map((l) => l.trim()).filter(Boolean);
  const name = setting(flags, 'name', 'NAME');
  const [ca, cert, key] = [setting(flags, 'ca', 'CA'), setting(flags, 'cert', 'CERT'), setting(flags, 'key', 'KEY')];
  const log = (message: string) => void process.stderr.write(`${new Date().toISOString()} ${message}\n`);
  const backend = setting(flags, 'backend', 'BACKEND') ?? 'local';
  if (backend !== 'local' && backend !== 'docker') throw new GantryError('CONFIG_INVALID', `--backend ${backend}: expected local or docker`);
  const dockerHost = setting(flags, 'dockerHost', 'DOCKER_HOST') ?? (process.env.DOCKER_HOST || undefined);
  const dockerCertPath = setting(flags, 'dockerCertPath', 'DOCKER_CERT_PATH') ?? dockerCertPathFromEnv(process.env);
  const privilegedImages = (process.env.GANTRY_PRIVILEGED_IMAGES ?? '').split(',').map((image) => image.trim()).filter((image) => image !== '');

  const registering = new AbortController();
  const interruptRegistration = () => registering.abort();
  process.once('SIGTERM', interruptRegistration).once('SIGINT', interruptRegistration);
  let agent;
  try {
    agent = await startRemoteAgent({
      server, token, labels, capacity, version: pkg.version, log, backend, privilegedImages,
      ...(dockerHost ? { dockerHost } : {}),
      ...(dockerCertPath ? { dockerCertPath } : {}),
      workDir: resolve(setting(flags, 'workDir', 'WORK_DIR') ?? './gantry-agent-work'),
      ...(name ? { name } : {}), ...(ca ? { caFile: ca } : {}), ...(cert ? { certFile: cert } : {}), ...(key ? { keyFile: key } : {}),
    }, registering.signal);
  } catch (err) {
    if (registering.signal.aborted) return EXIT.interrupted;
    if (err instanceof AgentCallError) {
      log(`cannot register with ${server}: ${err.message}`);
      return exitCodeForError(err.code);
    }
    throw err;
  } finally {
    process.off('SIGTERM', interruptRegistration).off('SIGINT', interruptRegistration);
  }

  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    const drain = signals === 1;
    log(drain ? `${signal}: draining (no new jobs; running ones finish). ${signal} again cancels them` : `${signal}: canceling running jobs`);
    void agent.stop({ drain });
  };
  process.on('SIGTERM', onSignal).on('SIGINT', onSignal);
  const refusal = await agent.stopped;
  process.off('SIGTERM', onSignal).off('SIGINT', onSignal);
  log(refusal ? `agent stopped: the server refused it (${refusal.message})` : 'agent stopped');
  return refusal ? exitCodeForError(refusal.code) : EXIT.ok;
}
