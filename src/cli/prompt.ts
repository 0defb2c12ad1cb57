import { GantryError } from '../core/index.js';

/** Terminal input for commands that ask for secrets: never an argument, never echoed. */
export interface PromptIo {
  stdin: NodeJS.ReadStream;
  stderr: NodeJS.WritableStream;
}

/** All of a stream (e.g. `--password-stdin`), one trailing newline dropped. */
export async function readAllTrimmed(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** Reads one line; with `hidden`, in raw mode without echoing it. Ctrl-C, or Ctrl-D on an empty line, aborts. */
export function promptLine(question: string, io: PromptIo, hidden: boolean): Promise<string> {
  const { stdin, stderr } = io;
  stderr.write(question);
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = (error?: GantryError) => {
      stdin.off('data', onData);
      if (hidden) stdin.setRawMode(false);
      stdin.pause();
      if (hidden) stderr.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (data: Buffer) => {
      for (const char of data.toString('utf8')) {
        if (char === '\r' || char === '\n') return finish();
        if (char === '\u0003' || (char === '\u0004' && value === '')) return finish(new GantryError('CONFIG_INVALID', 'aborted'));
        if (char === '\u007f' || char === '\b') value = [...value].slice(0, -1).join('');
        else if (char >= ' ') value += char;
      }
    };
    if (hidden) stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', onData);
  });
}
