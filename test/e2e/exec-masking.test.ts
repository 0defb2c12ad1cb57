import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { makeRepo, runGantry } from './helpers.js';

const TOKEN = 'hunter2-very-secret-token';
const PEM_LINES = ['BEGIN-KEY-abc123', 'middle-line-def456', 'END-KEY-ghi789'];

test('secrets never reach stdout: split across writes, multi-line, base64', async () => {
  const dir = makeRepo({
    '.gantry.yml': `version: 1
jobs:
  leak:
    env:
      T: "\${{ secrets.TOKEN }}"
      PEM: "\${{ secrets.PEM }}"
      FROM_ENV: "\${{ secrets.ENVTOKEN }}"
    steps:
      - run: |
          printf '%s' "\${T%%-secret-token}"; sleep 0.2; printf '%s\\n' "-secret-token"
          printf '%s\\n' "$PEM"
          printf '%s' "$T" | base64
          echo "env secret: $FROM_ENV"
          echo done
`,
  });
  writeFileSync(join(dir, 'secrets.env'), `PEM="${PEM_LINES.join('\\n')}"\n`);
  const r = await runGantry(['exec', '--secret', `TOKEN=${TOKEN}`, '--secret-file', 'secrets.env'], {
    cwd: dir,
    env: { GANTRY_SECRET_ENVTOKEN: 'env-carried-secret-xyz' },
  });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^\[leak\] done$/m, 'the step really ran and printed');
  const base64 = Buffer.from(TOKEN).toString('base64');
  const forbidden = [TOKEN, 'hunter2-very', base64, ...PEM_LINES, 'env-carried-secret-xyz'];
  for (const text of forbidden) assert.ok(!r.stdout.includes(text) && !r.stderr.includes(text), `"${text}" leaked:\n${r.stdout}`);
  assert.match(r.stdout, /\*\*\*/, 'masked values show as ***');
});
