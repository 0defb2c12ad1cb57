import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';

/** A `context:` or `file:` of a build step that cannot be used; the message says which and why. */
export class BuildPathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BuildPathError';
  }
}

export interface BuildPaths {
  /** Absolute directory sent as the context. */
  contextDir: string;
  /** Absolute path of the Containerfile (inside the workspace, not necessarily in the context). */
  file: string;
}

/**
 * Resolves a build step's `context` (default `.`) and `file` (default `Containerfile` in the
 * context when there is one, else `Dockerfile`), both relative to the workspace like every path of
 * a step. Both must stay inside the workspace, also after following symlinks: they are read on the
 * host, and a symlink out of the workspace would send the host's files to the engine. The file may
 * lie outside the context (as with `docker build -f`).
 */
export async function resolveBuildPaths(workspaceDir: string, context: string | undefined, file: string | undefined): Promise<BuildPaths> {
  const realRoot = await realpath(workspaceDir);
  const contextDir = await insideWorkspace(workspaceDir, realRoot, 'context', context === undefined || context === '' ? '.' : context);
  const realContext = await realpath(contextDir);
  if (!(await stat(realContext)).isDirectory()) throw new BuildPathError(`context ${JSON.stringify(context)} is not a directory`);
  const fileText = file === undefined || file === '' ? await defaultFile(workspaceDir, contextDir) : file;
  const full = await insideWorkspace(workspaceDir, realRoot, 'file', fileText);
  if (!(await stat(full)).isFile()) throw new BuildPathError(`file ${JSON.stringify(fileText)} is not a file`);
  return { contextDir, file: full };
}

async function defaultFile(workspaceDir: string, contextDir: string): Promise<string> {
  const relativeContext = relative(workspaceDir, contextDir);
  const inContext = (name: string): string => (relativeContext === '' ? name : `${relativeContext.split(sep).join('/')}/${name}`);
  const containerfile = await stat(resolve(contextDir, 'Containerfile')).then(() => true, () => false);
  return inContext(containerfile ? 'Containerfile' : 'Dockerfile');
}

async function insideWorkspace(root: string, realRoot: string, what: 'context' | 'file', path: string): Promise<string> {
  const quoted = JSON.stringify(path);
  if (isAbsolute(path)) throw new BuildPathError(`${what} ${quoted} must be relative to the workspace`);
  const full = resolve(root, path);
  if (!inside(root, full)) throw new BuildPathError(`${what} ${quoted} leaves the workspace (no ".." outside it)`);
  let real: string;
  try {
    real = await realpath(full);
  } catch {
    throw new BuildPathError(`${what} ${quoted} does not exist in the workspace`);
  }
  if (!inside(realRoot, real)) throw new BuildPathError(`${what} ${quoted} leaves the workspace through a symlink`);
  return full;
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${sep}`));
}
