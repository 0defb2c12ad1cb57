import { ZERO_SHA } from './webhook-event.js';

/**
 * Polling compares two snapshots of a remote's branches and tags (from `git ls-remote`) and turns the
 * difference into ref updates, the same shape a push hook reports. Pure.
 */
export type RefSnapshot = ReadonlyMap<string, string>;

export interface RefChange {
  ref: string;
  /** ZERO_SHA when the ref is new. */
  before: string;
  /** ZERO_SHA when the ref was deleted. */
  after: string;
}

const LINE = /^([0-9a-f]{40}|[0-9a-f]{64})\t(\S+)$/;

/**
 * `git ls-remote` output → ref → sha. An annotated tag is listed twice, as the tag object and as
 * `refs/tags/x^{}` peeled to its commit; the commit is what gets built, so it wins. Other lines
 * (HEAD, notes, malformed text) are ignored.
 */
export function parseLsRemote(output: string): Map<string, string> {
  const refs = new Map<string, string>();
  const peeled = new Map<string, string>();
  for (const raw of output.split('\n')) {
    const match = LINE.exec(raw.trimEnd());
    if (!match) continue;
    const [, sha, ref] = match as unknown as [string, string, string];
    if (ref.endsWith('^{}')) peeled.set(ref.slice(0, -3), sha);
    else if (ref.startsWith('refs/heads/') || ref.startsWith('refs/tags/')) refs.set(ref, sha);
  }
  for (const [ref, sha] of peeled) if (refs.has(ref)) refs.set(ref, sha);
  return refs;
}

/** New, moved and deleted refs between two snapshots, sorted by ref name. */
export function diffRefs(previous: RefSnapshot, current: RefSnapshot): RefChange[] {
  const changes: RefChange[] = [];
  for (const [ref, after] of current) {
    const before = previous.get(ref);
    if (before !== after) changes.push({ ref, before: before ?? ZERO_SHA, after });
  }
  for (const [ref, before] of previous) if (!current.has(ref)) changes.push({ ref, before, after: ZERO_SHA });
  return changes.sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));
}
