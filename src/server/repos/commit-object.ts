/**
 * The fields `commitInfo` reports, read from a raw commit object (what `cat-file` prints): the same
 * values as `git log -1 --format='%an <%ae>%x00%at%x00%B'`. Undefined when the object is something
 * this parser does not handle exactly like git log would (an `encoding` header: log re-encodes to
 * UTF-8; a malformed author line), so the caller asks git log instead.
 */
export interface ParsedCommit {
  author: string;
  /** Author time, epoch ms. */
  timestamp: number;
  /** Full message, trailing newlines removed. */
  message: string;
}

const AUTHOR = /^author (.*) <([^>\n]*)> (\d+) [+-]\d{4}$/;

export function parseCommit(raw: Buffer): ParsedCommit | undefined {
  const text = raw.toString('utf8');
  const split = text.indexOf('\n\n');
  const headerText = split < 0 ? text.replace(/\n$/, '') : text.slice(0, split);
  const message = split < 0 ? '' : text.slice(split + 2);
  let author: RegExpExecArray | null = null;
  for (const line of headerText.split('\n')) {
    if (line.startsWith('encoding ')) return undefined;
    if (line.startsWith('author ')) author = AUTHOR.exec(line);
  }
  if (!author) return undefined;
  return { author: `${author[1]} <${author[2]}>`, timestamp: Number(author[3]) * 1000, message: message.replace(/\n+$/, '') };
}
