// How `gantry secret set` reads a value: stdin to its end (one trailing newline dropped), a prompt
// that never echoes what is typed (a fake terminal), and a refusal when neither is possible.
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import type { GantryError } from '../../src/core/index.js';
import { readSecretValue } from '../../src/cli/commands/secret.js';

function terminal(isTTY: boolean) {
  const stdin = new PassThrough() as PassThrough & { isTTY: boolean; setRawMode(on: boolean): void; raw: boolean[] };
  stdin.isTTY = isTTY;
  stdin.raw = [];
  stdin.setRawMode = (on) => void stdin.raw.push(on);
  let shown = '';
  const stderr = new PassThrough();
  stderr.on('data', (c: Buffer) => (shown += c.toString()));
  return { stdin, stderr, shown: () => shown };
}

test('--value-stdin reads all of stdin and drops one trailing newline (multi-line values stay whole)', async () => {
  const io = terminal(false);
  io.stdin.end('-----BEGIN KEY-----\nabc\n-----END KEY-----\n\n');
  const value = await readSecretValue('KEY', { valueStdin: true }, { stdin: io.stdin as never, stderr: io.stderr });
  assert.equal(value, '-----BEGIN KEY-----\nabc\n-----END KEY-----\n');
});

test('on a terminal the prompt reads in raw mode and never echoes the value; backspace edits', async () => {
  const io = terminal(true);
  const reading = readSecretValue('TOKEN', {}, { stdin: io.stdin as never, stderr: io.stderr });
  io.stdin.write('hunter22');
  io.stdin.write('\u007fX\r');
  assert.equal(await reading, 'hunter2X');
  assert.equal(io.shown(), 'value of TOKEN (not shown): \n');
  assert.deepEqual(io.stdin.raw, [true, false], 'raw mode is switched back off');
});

test('Ctrl-C at the prompt aborts; no terminal and no --value-stdin is refused; --value and --value-stdin conflict', async () => {
  const io = terminal(true);
  const reading = readSecretValue('TOKEN', {}, { stdin: io.stdin as never, stderr: io.stderr });
  io.stdin.write('abc\u0003');
  await assert.rejects(reading, (err: GantryError) => err.code === 'CONFIG_INVALID');
  const pipe = terminal(false);
  await assert.rejects(readSecretValue('TOKEN', {}, { stdin: pipe.stdin as never, stderr: pipe.stderr }), /--value-stdin/);
  await assert.rejects(readSecretValue('TOKEN', { value: 'x', valueStdin: true }, { stdin: pipe.stdin as never, stderr: pipe.stderr }), /not both/);
  assert.equal(await readSecretValue('TOKEN', { value: 'given' }, { stdin: pipe.stdin as never, stderr: pipe.stderr }), 'given');
});
