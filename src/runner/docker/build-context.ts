import { randomBytes } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import { PassThrough } from 'node:stream';
import dockerignoreModule from '@balena/dockerignore';
import { create, Header } from 'tar';

/** Ignore files in the order the engines prefer them: Podman reads `.containerignore` first. */
const IGNORE_FILES = ['.containerignore', '.dockerignore'];

// A CommonJS module whose types declare an ES default export: under NodeNext the default import is
// the whole module, and the factory sets `.default` to itself, so this is the factory either way.
const dockerignore = dockerignoreModule.default;

export interface BuildContext {
  /** An uncompressed tar of the context, for the Engine API's `POST /build`. */
  stream: NodeJS.ReadableStream;
  /** Paths in the tar, `/`-separated, in the order written. */
  entries: string[];
  /** The Containerfile's path in the tar: the engine's `dockerfile` parameter. */
  dockerfile: string;
}

/**
 * Packs a build context the way `docker build` sends it: every file under `contextDir` except what
 * the ignore file excludes (Docker's rules, exceptions with `!` included), plus the Containerfile
 * and the ignore file itself, which the engine always needs. Symlinks go in as symlinks and are
 * never followed, so nothing outside the context is read; sockets, FIFOs and devices are left out.
 * `file` is the Containerfile's absolute path; one outside the context goes in under a name of its
 * own (`.gantry-containerfile-…`, as `docker build -f` does), the rest of its directory does not.
 */
export async function createBuildContext(contextDir: string, file: string): Promise<BuildContext> {
  const inContext = relative(contextDir, file);
  const outside = isAbsolute(inContext) || inContext === '..' || inContext.startsWith(`..${sep}`);
  const { ignores, hasExceptions, ignoreFile } = await readIgnoreFile(contextDir);
  const always = new Set([...(outside ? [] : [inContext.split(sep).join('/')]), ...(ignoreFile !== undefined ? [ignoreFile] : [])]);
  const entries: string[] = [];
  await walk(contextDir, '', entries, { ignores: (path) => !always.has(path) && ignores(path), hasExceptions });
  for (const path of always) if (!entries.includes(path)) entries.push(path);
  // A path starting with "@" would be read by node-tar as "add this archive": "./" keeps it a path.
  const paths = entries.map((path) => (path.startsWith('@') ? `./${path}` : path));
  const pack = create({ cwd: contextDir, portable: true, noDirRecurse: true, follow: false }, paths);
  // node-tar streams are Minipass streams; the engine client wants a Node stream.
  const stream = new PassThrough();
  pack.on('error', (err: unknown) => stream.destroy(err instanceof Error ? err : new Error(String(err))));
  let dockerfile = inContext.split(sep).join('/');
  if (outside) {
    dockerfile = `.gantry-containerfile-${randomBytes(6).toString('hex')}`;
    stream.write(fileEntry(dockerfile, await readFile(file)));
    entries.unshift(dockerfile);
  }
  pack.pipe(stream);
  return { stream, entries, dockerfile };
}

/** One regular file as tar blocks: header, then the body padded to the 512-byte block size. */
function fileEntry(path: string, body: Buffer): Buffer {
  const header = new Header({ path, mode: 0o644, uid: 0, gid: 0, size: body.length, mtime: new Date(0), type: 'File' });
  header.encode();
  const padding = Buffer.alloc((512 - (body.length % 512)) % 512);
  return Buffer.concat([header.block!, body, padding]);
}

interface Rules {
  ignores(path: string): boolean;
  /** Some pattern starts with `!`: an ignored directory may still hold included files. */
  hasExceptions: boolean;
}

async function readIgnoreFile(contextDir: string): Promise<Rules & { ignoreFile?: string }> {
  for (const name of IGNORE_FILES) {
    let text: string;
    try {
      text = await readFile(join(contextDir, name), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    const matcher = dockerignore({ ignorecase: false }).add(text.split(/\r?\n/));
    const hasExceptions = text.split(/\r?\n/).some((line) => line.trim().startsWith('!'));
    return { ignores: (path) => matcher.ignores(path), hasExceptions, ignoreFile: name };
  }
  return { ignores: () => false, hasExceptions: false };
}

async function walk(root: string, prefix: string, out: string[], rules: Rules): Promise<void> {
  const dirents = await readdir(prefix === '' ? root : join(root, prefix), { withFileTypes: true });
  dirents.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const dirent of dirents) {
    const path = prefix === '' ? dirent.name : `${prefix}/${dirent.name}`;
    const kept = !rules.ignores(path);
    if (dirent.isDirectory()) {
      if (kept) out.push(path);
      // As Docker does: an ignored directory is only searched when an exception could bring back a file in it.
      if (kept || rules.hasExceptions) await walk(root, path, out, rules);
    } else if ((dirent.isFile() || dirent.isSymbolicLink()) && kept) {
      out.push(path);
    }
  }
}
