import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { GantryError } from '../../core/index.js';

/**
 * Connection options for the Engine API from a DOCKER_HOST value: `unix:///path/to.sock` (or a
 * bare absolute socket path) and `tcp://HOST:PORT`. Over tcp, `certPath` turns on TLS the way the
 * Docker CLI does it: the engine's certificate is verified against `ca.pem`, and Gantry presents
 * `cert.pem`/`key.pem` (the engine's `--tlsverify` refuses clients without one). Without
 * `certPath`, tcp is plain HTTP: only for an engine on a trusted network or behind an SSH tunnel.
 */
export function dockerConnection(dockerHost: string, certPath?: string): Docker.DockerOptions {
  const value = dockerHost.trim();
  const socket = socketPathOf(value);
  if (socket !== undefined) {
    if (certPath !== undefined) {
      throw new GantryError('CONFIG_INVALID', `docker TLS certificates (${certPath}) apply to tcp:// addresses, not to the socket ${value}`, {
        details: { hint: 'unset the certificate path (DOCKER_TLS_VERIFY / --docker-cert-path), or use tcp://HOST:PORT' },
      });
    }
    return { socketPath: socket };
  }
  const tcp = tcpAddressOf(value);
  if (tcp === undefined) {
    throw new GantryError('CONFIG_INVALID', `docker host ${JSON.stringify(value)} is not a socket address`, {
      details: { hint: 'use unix:///run/podman/podman.sock, unix:///var/run/docker.sock or tcp://HOST:PORT' },
    });
  }
  if (certPath === undefined) return { protocol: 'http', ...tcp };
  return { protocol: 'https', ...tcp, ca: certFile(certPath, 'ca.pem'), cert: certFile(certPath, 'cert.pem'), key: certFile(certPath, 'key.pem') };
}

/**
 * The certificate directory the Docker CLI would use: DOCKER_CERT_PATH (default ~/.docker) when
 * DOCKER_TLS_VERIFY is set to anything but empty or 0; undefined when TLS is not asked for.
 */
export function dockerCertPathFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  const verify = env.DOCKER_TLS_VERIFY;
  if (verify === undefined || verify === '' || verify === '0') return undefined;
  return env.DOCKER_CERT_PATH || join(homedir(), '.docker');
}

/** True when the address sends the Engine API over plain tcp (anyone on the path can drive the engine). */
export function isPlainTcp(dockerHost: string, certPath: string | undefined): boolean {
  return certPath === undefined && dockerHost.trim().startsWith('tcp://');
}

function socketPathOf(value: string): string | undefined {
  if (value.startsWith('/')) return value;
  if (value.startsWith('unix://') && value.slice('unix://'.length).startsWith('/')) return value.slice('unix://'.length);
  return undefined;
}

function tcpAddressOf(value: string): { host: string; port: number } | undefined {
  if (!value.startsWith('tcp://')) return undefined;
  let url: URL;
  try {
    url = new URL(`http://${value.slice('tcp://'.length)}`);
  } catch {
    return undefined;
  }
  if (url.hostname === '' || url.port === '' || (url.pathname !== '/' && url.pathname !== '')) return undefined;
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port) };
}

function certFile(dir: string, name: string): Buffer {
  try {
    return readFileSync(join(dir, name));
  } catch (err) {
    throw new GantryError('CONFIG_INVALID', `docker TLS: cannot read ${join(dir, name)}: ${(err as Error).message}`, {
      details: { hint: 'the certificate directory holds ca.pem (the engine\'s CA), cert.pem and key.pem (this client\'s certificate and key)' },
    });
  }
}
