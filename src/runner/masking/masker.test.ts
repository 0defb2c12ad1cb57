import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { createMasker, maskText } from './masker.js';
import { secretForms } from './secret-forms.js';

/** Pushes `text` in the given pieces and returns everything released, flush included. */
function run(secrets: string[], pieces: string[]): string {
  const masker = createMasker(secrets);
  return pieces.map((piece) => masker.push(piece)).join('') + masker.flush();
}

function shellBase64(value: string): string {
  return execFileSync('sh', ['-c', 'printf %s "$S" | base64'], { env: { ...process.env, S: value } }).toString();
}

describe('createMasker', () => {
  it('passes text through unchanged when there is no secret in it', () => {
    const masker = createMasker(['hunter2-password']);
    assert.equal(masker.push('hello world\n'), 'hello world\n');
    assert.equal(masker.push('no secrets here'), 'no secrets here');
    assert.equal(masker.flush(), '');
    assert.equal(run([], ['any', ' text']), 'any text');
  });

  it('masks every occurrence', () => {
    assert.equal(maskText('a s3cr3t b s3cr3ts3cr3t', ['s3cr3t']), 'a *** b ******');
  });

  it('masks a secret split at every possible point, across two and three pushes', () => {
    const secret = 'p4ss-w0rd!';
    const text = `before ${secret} after`;
    for (let i = 0; i <= text.length; i++) {
      assert.equal(run([secret], [text.slice(0, i), text.slice(i)]), 'before *** after', `split at ${i}`);
      for (let j = i; j <= text.length; j++) {
        const out = run([secret], [text.slice(0, i), text.slice(i, j), text.slice(j)]);
        assert.equal(out, 'before *** after', `split at ${i},${j}`);
      }
    }
  });

  it('never releases a piece of a secret before it knows it is not one', () => {
    const masker = createMasker(['abcdef']);
    const first = masker.push('xx abc');
    assert.equal(first, 'xx ');
    assert.equal(masker.push('dxx'), 'abcdxx'); // not the secret after all: released
    assert.equal(masker.push(' abcdef'), ' ***');
    assert.equal(masker.flush(), '');
  });

  it('releases a held-back tail on flush', () => {
    const masker = createMasker(['abcdef']);
    assert.equal(masker.push('end: abc'), 'end: ');
    assert.equal(masker.flush(), 'abc');
  });

  it('masks secrets at chunk boundaries', () => {
    assert.equal(run(['secret1'], ['secret1', 'secret1', '\n']), '******\n');
    assert.equal(run(['secret1'], ['x', 'secret1']), 'x***');
    assert.equal(run(['secret1'], ['secret1', 'x']), '***x');
  });

  it('masks the base64 forms, as printed by `printf %s "$S" | base64`', () => {
    const secret = 'correct horse battery staple';
    const b64 = shellBase64(secret).trim();
    assert.equal(maskText(`token ${b64} end`, [secret]), 'token *** end');
    const url = Buffer.from('??>>??>>x').toString('base64url');
    assert.equal(maskText(`u=${url}`, ['??>>??>>x']), 'u=***');
    const unpadded = Buffer.from('abcd').toString('base64').replace(/=+$/, '');
    assert.equal(maskText(`[${unpadded}]`, ['abcd']), '[***]');
  });

  it('masks a secret base64-encoded inside longer data (Basic auth)', () => {
    const secret = 'tok-s3cret-value';
    for (const prefix of ['u:', 'us:', 'use:', '']) {
      const encoded = shellBase64(`${prefix}${secret}@tail`).trim();
      const masked = maskText(encoded, [secret]);
      assert.match(masked, /\*\*\*/, `${prefix}: ${masked}`);
      assert.ok(masked.length <= encoded.length - 16, `most of the secret is masked for prefix ${JSON.stringify(prefix)}: ${masked}`);
    }
  });

  it('masks the wrapped base64 of a long secret', () => {
    const secret = 'x'.repeat(40) + 'y'.repeat(40);
    const b64 = shellBase64(secret);
    assert.ok(b64.trim().includes('\n'), 'coreutils wraps long output');
    assert.equal(maskText(b64, [secret]), '***\n');
  });

  it('masks the URL-encoded form', () => {
    const secret = 'p@ss word/&=';
    assert.equal(maskText(`https://x/?p=${encodeURIComponent(secret)}`, [secret]), 'https://x/?p=***');
  });

  it('masks a multi-line secret whole, line by line, and in its base64 form', () => {
    const secret = '-----BEGIN KEY-----\nAAAAsecretline\n-----END KEY-----';
    assert.equal(maskText(`key:\n${secret}\ndone`, [secret]), 'key:\n***\ndone');
    assert.equal(maskText('AAAAsecretline', [secret]), '***');
    assert.equal(maskText(secret.replace(/\n/g, '\r\n'), [secret]), '***');
    assert.equal(maskText(shellBase64(secret), [secret]), '***\n');
    const text = `>${secret}<`;
    for (let i = 0; i <= text.length; i++) {
      assert.equal(run([secret], [text.slice(0, i), text.slice(i)]), '>***<', `split at ${i}`);
    }
  });

  it('masks overlapping secrets with the longest match', () => {
    assert.equal(maskText('abc abcdef', ['abc', 'abcdef']), '*** ***');
    assert.equal(run(['abc', 'abcdef'], ['x abc', 'def y']), 'x *** y');
    assert.equal(run(['abc', 'abcdef'], ['x abc', 'dxf']), 'x ***dxf');
  });

  it('ignores empty and very short secrets', () => {
    assert.equal(maskText('a ab abc', ['', 'a', 'ab']), 'a ab abc');
    assert.deepEqual(secretForms(['', 'ab']), []);
  });

  it('handles secrets with regular-expression characters literally', () => {
    assert.equal(maskText('x.*+?(y) x', ['.*+?(y)']), 'x*** x');
  });
});

describe('createMasker (property)', () => {
  it('gives the same result however the text is split, and never lets a secret through', async () => {
    const fc = (await import('fast-check')).default;
    const alphabet = fc.constantFrom('a', 'b', 'c', '\n', ' ');
    const word = fc.string({ unit: alphabet, minLength: 3, maxLength: 6 });
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 3 }), fc.string({ unit: alphabet, maxLength: 40 }), fc.array(fc.nat(60), { maxLength: 5 }), (secrets, text, cuts) => {
        const whole = maskText(text, secrets);
        const points = [...new Set(cuts.map((c) => Math.min(c, text.length)))].sort((x, y) => x - y);
        const pieces: string[] = [];
        let last = 0;
        for (const p of points) {
          pieces.push(text.slice(last, p));
          last = p;
        }
        pieces.push(text.slice(last));
        assert.equal(run(secrets, pieces), whole);
        for (const secret of secrets) assert.ok(!whole.includes(secret), `${JSON.stringify(secret)} in ${JSON.stringify(whole)}`);
      }),
      { numRuns: 500 },
    );
  });
});
