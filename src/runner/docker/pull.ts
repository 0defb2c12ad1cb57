import type Docker from 'dockerode';
import { GantryError } from '../../core/index.js';
import type { PullPolicy } from '../../pipeline/index.js';
import type { RegistryCredentials } from '../backend.js';
import { engineMessage } from './engine-errors.js';

/**
 * Makes `image` available on the engine as its pull policy says: `if-not-present` pulls only when
 * the engine lacks it, `always` pulls every time (a moved tag is picked up), `never` only checks and
 * fails clearly when it is missing. Credentials go to the engine in the request's auth header only;
 * nothing here puts them in a message. Aborting `signal` stops the pull (rejects with the reason).
 */
export async function pullImage(
  docker: Docker,
  image: string,
  policy: PullPolicy,
  credentials: RegistryCredentials | undefined,
  signal: AbortSignal,
  onLine?: (line: string) => void,
): Promise<void> {
  signal.throwIfAborted();
  if (policy !== 'always' && (await hasImage(docker, image))) return;
  if (policy === 'never') {
    throw new GantryError('RUNNER_IMAGE_MISSING', `image "${image}" is not on the container engine, and its pull policy is "never": pull it on the agent's engine first, or set pull: if-not-present`, {
      details: { image },
    });
  }
  onLine?.(`pulling image ${image}${credentials ? ' (with credentials)' : ''}`);
  const auth = credentials ? { username: credentials.username, password: credentials.password, serveraddress: registryOf(image) } : undefined;
  let stream: NodeJS.ReadableStream;
  try {
    stream = (await docker.pull(image, { abortSignal: signal, ...(auth ? { authconfig: auth } : {}) })) as NodeJS.ReadableStream;
  } catch (err) {
    signal.throwIfAborted();
    throw pullError(image, engineMessage(err), err);
  }
  const failure = await new Promise<string | undefined>((resolve, reject) => {
    const onAbort = () => {
      (stream as unknown as { destroy(): void }).destroy();
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    docker.modem.followProgress(stream, (err: Error | null, events: Array<{ error?: string; errorDetail?: { message?: string } }>) => {
      signal.removeEventListener('abort', onAbort);
      if (err) return resolve(err.message);
      const bad = events.find((event) => event.error !== undefined || event.errorDetail !== undefined);
      resolve(bad ? (bad.errorDetail?.message ?? bad.error) : undefined);
    });
  });
  if (failure !== undefined) throw pullError(image, failure);
}

async function hasImage(docker: Docker, image: string): Promise<boolean> {
  try {
    await docker.getImage(image).inspect();
    return true;
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return false;
    throw pullError(image, engineMessage(err), err);
  }
}

function pullError(image: string, message: string, cause?: unknown): GantryError {
  return new GantryError('RUNNER_IMAGE_PULL', `cannot pull image "${image}": ${message} (check the name and tag, that the agent reaches the registry, and the credentials)`, {
    ...(cause !== undefined ? { cause } : {}),
    details: { image },
  });
}

/** The registry an image reference points at, as the engine's auth config names it. */
export function registryOf(image: string): string {
  const first = image.split('/')[0]!;
  const isHost = image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  return isHost ? first : 'https://index.docker.io/v1/';
}
