import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Diagnostic } from '../core/index.js';
import { loadPipeline, MAX_PIPELINE_BYTES } from './load.js';

const load = (text: string) => loadPipeline(text, '.gantry.yml');
const only = (diagnostics: Diagnostic[], code: string): Diagnostic => {
  const found = diagnostics.filter((d) => d.code === code);
  assert.equal(found.length, 1, `expected one ${code}, got: ${JSON.stringify(diagnostics, null, 1)}`);
  return found[0]!;
};

const VALID = `version: 1
jobs:
  build:
    steps:
      - run: make
  test:
    needs: build
    steps:
      - run: make test
`;

test('a valid file loads, with typed data and positions', () => {
  const result = load(VALID);
  assert.deepEqual(result.diagnostics, []);
  assert.ok(result.loaded);
  assert.equal(result.loaded.file, '.gantry.yml');
  assert.equal(result.loaded.source, VALID);
  assert.equal(result.loaded.pipeline.jobs.test?.needs, 'build');
  assert.deepEqual(result.loaded.locate(['jobs', 'test']), { line: 7, column: 5 });
  assert.deepEqual(result.loaded.locate(['jobs', 'test', 'steps', 0, 'run']), { line: 9, column: 14 });
  assert.deepEqual(result.loaded.locate(['jobs', 'test', 'nope', 3]), { line: 7, column: 5 }, 'nearest existing ancestor');
});

test('an unknown key points at the key, with did-you-mean on the allowed keys', () => {
  const d = only(load('version: 1\njobs:\n  test:\n    neds: [a]\n    steps: [{ run: x }]\n').diagnostics, 'PIPELINE_UNKNOWN_KEY');
  assert.equal(d.message, "unknown key 'neds' in job 'test'");
  assert.equal(d.hint, "did you mean 'needs'?");
  assert.deepEqual([d.line, d.column, d.path], [4, 5, 'jobs.test.neds']);
});

test('a wrong type says what was expected and what was found', () => {
  const d = only(load('version: 1\njobs:\n  test:\n    needs: 5\n    steps: [{ run: x }]\n').diagnostics, 'PIPELINE_WRONG_TYPE');
  assert.equal(d.message, "wrong type for 'needs' in job 'test': expected a string or a list of strings, got a number (5)");
  assert.deepEqual([d.line, d.column], [4, 12]);
});

test('a duplicate job key is reported at the second occurrence', () => {
  const result = load('version: 1\njobs:\n  a:\n    steps: [{ run: x }]\n  a:\n    steps: [{ run: y }]\n');
  const d = only(result.diagnostics, 'PIPELINE_DUPLICATE_KEY');
  assert.deepEqual([d.line, d.column], [5, 3]);
  assert.equal(result.loaded, undefined);
});

test('expression errors point inside block, quoted and plain scalars', () => {
  const block = load('version: 1\njobs:\n  t:\n    steps:\n      - run: |\n          echo one\n            echo ${{ nope.x }}\n').diagnostics;
  assert.deepEqual(pick(only(block, 'PIPELINE_BAD_EXPRESSION')), [7, 22]);
  const folded = load('version: 1\njobs:\n  t:\n    steps:\n      - run: >-\n          echo one\n          echo ${{ nope.x }}\n').diagnostics;
  assert.deepEqual(pick(only(folded, 'PIPELINE_BAD_EXPRESSION')), [7, 20]);
  const quoted = load('version: 1\njobs:\n  t:\n    steps:\n      - run: "a\\tb ${{ nope.x }}"\n').diagnostics;
  assert.deepEqual(pick(only(quoted, 'PIPELINE_BAD_EXPRESSION')), [5, 24]);
  const single = load("version: 1\njobs:\n  t:\n    steps:\n      - run: 'it''s ${{ nope.x }}'\n").diagnostics;
  assert.deepEqual(pick(only(single, 'PIPELINE_BAD_EXPRESSION')), [5, 25]);
  const plain = load('version: 1\njobs:\n  t:\n    steps:\n      - run: echo\n          ${{ nope.x }}\n').diagnostics;
  assert.deepEqual(pick(only(plain, 'PIPELINE_BAD_EXPRESSION')), [6, 15]);
  const condition = load("version: 1\njobs:\n  t:\n    if: git.branch == 'main' && nope\n    steps: [{ run: x }]\n").diagnostics;
  assert.deepEqual(pick(only(condition, 'PIPELINE_BAD_EXPRESSION')), [4, 33]);
});

const pick = (d: Diagnostic): [number, number] => [d.line, d.column];

test('warnings do not stop loading', () => {
  const result = load('version: 1\njobs:\n  t:\n    steps:\n      - run: echo ${{ secrets.X }}\n');
  assert.ok(result.loaded);
  const d = only(result.diagnostics, 'PIPELINE_SECRET_IN_SCRIPT');
  assert.equal(d.severity, 'warning');
  assert.deepEqual(pick(d), [5, 23]);
});

test('version must be present and 1', () => {
  assert.equal(only(load('jobs: {}\n').diagnostics, 'PIPELINE_MISSING_KEY').message, "missing required key 'version' at the top level");
  assert.equal(only(load('version: "1"\njobs: {}\n').diagnostics, 'PIPELINE_BAD_VERSION').message, 'unsupported pipeline version "1"');
});

test('empty files and non-mapping files get one clear message', () => {
  assert.equal(only(load('').diagnostics, 'PIPELINE_MISSING_KEY').message, 'the pipeline file is empty');
  assert.match(only(load('- a\n- b\n').diagnostics, 'PIPELINE_WRONG_TYPE').message, /must be a mapping with 'version' and 'jobs', got a list/);
});

test('files over 1 MiB are refused before parsing', () => {
  const d = only(load(`# ${'x'.repeat(MAX_PIPELINE_BYTES)}\n`).diagnostics, 'PIPELINE_FILE_TOO_LARGE');
  assert.deepEqual(pick(d), [1, 1]);
});

test('alias bombs and deep nesting end in diagnostics, fast', () => {
  const bomb = ['a: &a [x,x,x,x,x,x,x,x,x]', ...'bcdefgh'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(',')}]`), 'version: 1', 'jobs: {}'].join('\n');
  for (const text of [bomb, '['.repeat(200_000), `${'- '.repeat(20_000)}x`, `a:\n${'  '.repeat(1)}${'{b: '.repeat(50_000)}`]) {
    const started = Date.now();
    const result = load(text);
    assert.ok(Date.now() - started < 5000, 'bounded time'); // a blow-up takes minutes; 5 s leaves room for a loaded machine
    assert.equal(result.loaded, undefined);
    assert.ok(result.diagnostics.length > 0 && result.diagnostics.length <= 10);
    assert.equal(result.diagnostics[0]!.code, 'PIPELINE_YAML_SYNTAX');
  }
});

test('all problems are collected, sorted by position', () => {
  const text = 'version: 1\njobs:\n  a:\n    needs: [b, zz]\n    steps: [{ run: x }]\n  b:\n    needs: a\n    timeout: soon\n    steps: [{ name: nothing }]\n';
  const codes = load(text).diagnostics.map((d) => d.code);
  assert.deepEqual(codes, ['PIPELINE_CYCLE', 'PIPELINE_UNKNOWN_NEED', 'PIPELINE_BAD_DURATION', 'PIPELINE_STEP_KIND']);
});

test("secrets in what the server decides before decrypting any (a job's if, name, runs_on…) are errors; a step's if may use them", () => {
  const jobIf = load("version: 1\njobs:\n  t:\n    if: secrets.TOKEN != ''\n    steps:\n      - if: secrets.TOKEN != ''\n        run: x\n");
  const d = only(jobIf.diagnostics, 'PIPELINE_UNKNOWN_REFERENCE');
  assert.deepEqual(pick(d), [4, 9]);
  assert.match(d.message, /secrets are not available in a job's if/);
  const name = load('version: 1\njobs:\n  t:\n    name: "deploy ${{ secrets.TOKEN }}"\n    steps: [{ run: x }]\n');
  assert.match(only(name.diagnostics, 'PIPELINE_UNKNOWN_REFERENCE').message, /a job's name/);
  const envOk = load('version: 1\njobs:\n  t:\n    env: { TOKEN: "${{ secrets.TOKEN }}" }\n    steps: [{ run: x }]\n');
  assert.deepEqual(envOk.diagnostics, []);
});

test('secrets may log in to a registry but never name an image, a cache key or an artifact', () => {
  const imageName = load('version: 1\njobs:\n  t:\n    image: { name: "reg/${{ secrets.T }}" }\n    steps: [{ run: x }]\n');
  assert.match(only(imageName.diagnostics, 'PIPELINE_UNKNOWN_REFERENCE').message, /a job's image/);
  const login = load('version: 1\njobs:\n  t:\n    image: { name: app, credentials: { username: u, password: "${{ secrets.T }}" } }\n    steps: [{ run: x }]\n');
  assert.deepEqual(login.diagnostics, []);
  const cacheKey = load('version: 1\njobs:\n  t:\n    cache: [{ key: "k-${{ secrets.T }}", paths: [a] }]\n    steps: [{ run: x }]\n');
  assert.match(only(cacheKey.diagnostics, 'PIPELINE_UNKNOWN_REFERENCE').message, /a job's cache/);
  const artifact = load('version: 1\njobs:\n  t:\n    artifacts: { name: "${{ secrets.T }}", paths: [a] }\n    steps: [{ run: x }]\n');
  assert.match(only(artifact.diagnostics, 'PIPELINE_UNKNOWN_REFERENCE').message, /a job's artifacts/);
});

test('a memory limit that is not a size is reported where it is written', () => {
  const bad = load('version: 1\njobs:\n  t:\n    image: { name: app, memory: lots }\n    steps: [{ run: x }]\n');
  assert.match(only(bad.diagnostics, 'PIPELINE_BAD_SIZE').message, /'lots' is not a size/);
});

test('a service name that is not a host name is reported at the key, with a usable suggestion', () => {
  const bad = load('version: 1\njobs:\n  t:\n    image: app\n    services:\n      Bad_Name: { image: pg }\n    steps: [{ run: x }]\n');
  const d = only(bad.diagnostics, 'PIPELINE_BAD_SERVICE_NAME');
  assert.deepEqual(pick(d), [6, 7]);
  assert.match(d.hint ?? '', /'bad-name'/);
  const good = load('version: 1\njobs:\n  t:\n    image: app\n    services:\n      db-1: { image: pg }\n    steps: [{ run: x }]\n');
  assert.deepEqual(good.diagnostics, []);
});
