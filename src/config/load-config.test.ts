import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { GantryError } from '../core/index.js';
import { clientSettings, envName, flagName, loadConfig, serverSettings, type ConfigSources } from './index.js';

const context = { cwd: '/srv', isTty: false };

function load(sources: Omit<ConfigSources, 'context'> = {}, ctx = context) {
  return loadConfig(serverSettings, { ...sources, context: ctx });
}

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof GantryError);
    assert.equal(err.code, 'CONFIG_INVALID');
    return err.details?.problems as string[];
  }
  assert.fail('expected CONFIG_INVALID');
}

test('defaults: every documented default, typed', () => {
  const config = load();
  assert.deepEqual(config.listen, { host: '127.0.0.1', port: 8080 });
  assert.equal(config.dataDir, '/srv/gantry-data');
  assert.equal(config.logLevel, 'info');
  assert.equal(config.logFormat, 'json');
  assert.equal(config.adminToken, undefined);
  assert.equal(config.leaseTtl, 30_000);
  assert.equal(config.embeddedAgent, true);
  assert.equal(config.agentCapacity, 2);
  assert.equal(config.shutdownGrace, 30_000);
  assert.equal(config.publicUrl, undefined);
});

test('logFormat defaults to pretty on a terminal', () => {
  assert.equal(load({}, { cwd: '/', isTty: true }).logFormat, 'pretty');
});

test('layering: defaults < file < env < flags, setting by setting', () => {
  const file = { path: 'gantry.yml', values: { listen: '0.0.0.0:1', agentCapacity: 5, leaseTtl: '1m', logLevel: 'debug' } };
  const env = { GANTRY_LISTEN: '0.0.0.0:2', GANTRY_EMBEDDED_AGENT_CAPACITY: '6', GANTRY_AGENT_CAPACITY: '9', GANTRY_LOG_LEVEL: 'warn' };
  const flags = { listen: '0.0.0.0:3' };
  const config = load({ file, env, flags });
  assert.equal(config.listen.port, 3, 'flag beats env and file');
  assert.equal(config.agentCapacity, 6, 'env beats file; GANTRY_AGENT_CAPACITY is the remote agent\'s, not read here');
  assert.equal(config.leaseTtl, 60_000, 'file beats default');
  assert.equal(config.logLevel, 'warn');
  assert.equal(config.shutdownGrace, 30_000, 'untouched setting keeps its default');
});

test('a YAML or JSON file given by path is read', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-config-'));
  writeFileSync(join(dir, 'a.yml'), 'dataDir: data\nembeddedAgent: false\nshutdownGrace: 5s\n');
  writeFileSync(join(dir, 'b.json'), '{"listen": "[::1]:9000", "publicUrl": "https://ci.example.com/"}');
  const yaml = load({ configFile: join(dir, 'a.yml') });
  assert.equal(yaml.dataDir, '/srv/data');
  assert.equal(yaml.embeddedAgent, false);
  assert.equal(yaml.shutdownGrace, 5000);
  const json = load({ configFile: join(dir, 'b.json') });
  assert.deepEqual(json.listen, { host: '::1', port: 9000 });
  assert.equal(json.publicUrl, 'https://ci.example.com');
});

test('errors name the setting and where its value came from, all at once', () => {
  const found = problems(() =>
    load({
      file: { path: 'g.yml', values: { leaseTtl: 'soon', datadir: 'x' } },
      env: { GANTRY_LISTEN: 'abc', GANTRY_EMBEDDED_AGENT: 'maybe' },
      flags: { agentCapacity: '0' },
    }),
  );
  assert.deepEqual(found.sort(), [
    '--agent-capacity="0": expected a whole number from 1 to 1024',
    'GANTRY_EMBEDDED_AGENT="maybe": expected true or false',
    'GANTRY_LISTEN="abc": expected HOST:PORT, e.g. 127.0.0.1:8080 or 0.0.0.0:0 ([::1]:8080 for IPv6)',
    'g.yml: leaseTtl="soon": expected a duration such as 30s, 5m, 1h30m or 250ms',
    'g.yml: unknown setting "datadir" (did you mean "dataDir"?)',
  ]);
});

test('a bad value in the file is reported even when a flag overrides it', () => {
  const found = problems(() => load({ file: { path: 'g.yml', values: { listen: 'nope' } }, flags: { listen: '127.0.0.1:0' } }));
  assert.equal(found.length, 1);
  assert.match(found[0]!, /^g\.yml: listen="nope": expected HOST:PORT/);
});

test('secrets are never echoed in errors', () => {
  const found = problems(() => load({ env: { GANTRY_ADMIN_TOKEN: 'short-secret' } }));
  assert.deepEqual(found, ['GANTRY_ADMIN_TOKEN=(hidden): expected at least 16 characters']);
});

test('an unreadable or malformed file is a clear CONFIG_INVALID', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-config-'));
  writeFileSync(join(dir, 'bad.yml'), 'listen: [\n');
  writeFileSync(join(dir, 'list.yml'), '- a\n');
  assert.throws(() => load({ configFile: join(dir, 'missing.yml') }), /cannot read config file .*missing\.yml/);
  assert.throws(() => load({ configFile: join(dir, 'bad.yml') }), /bad\.yml is not valid YAML/);
  assert.throws(() => load({ configFile: join(dir, 'list.yml') }), /must hold a mapping/);
});

test('the result is deep-frozen', () => {
  const config = load({ env: { GANTRY_LISTEN: '127.0.0.1:0' } });
  assert.ok(Object.isFrozen(config));
  assert.ok(Object.isFrozen(config.listen));
  assert.throws(() => {
    (config as { agentCapacity: number }).agentCapacity = 9;
  }, TypeError);
});

test('env names and flags follow from the keys', () => {
  assert.equal(envName('dataDir'), 'GANTRY_DATA_DIR');
  assert.equal(flagName('shutdownGrace'), 'shutdown-grace');
  const byKey = Object.fromEntries(serverSettings.settings.map((s) => [s.key, s]));
  assert.equal(byKey.adminToken?.env, 'GANTRY_ADMIN_TOKEN');
  assert.equal(byKey.leaseTtl?.env, 'GANTRY_LEASE_TTL');
  assert.equal(byKey.embeddedAgent?.flag, 'embedded-agent');
  const client = Object.fromEntries(clientSettings.settings.map((s) => [s.key, s.env]));
  assert.deepEqual(client, { server: 'GANTRY_SERVER', token: 'GANTRY_TOKEN' });
});

test('empty environment variables count as unset', () => {
  assert.equal(load({ env: { GANTRY_LISTEN: '' } }).listen.port, 8080);
});

test('boolean flags: --embedded-agent alone is true; --no-embedded-agent is false', () => {
  assert.equal(load({ flags: { embeddedAgent: true } }).embeddedAgent, true);
  assert.equal(load({ flags: { embeddedAgent: false }, env: { GANTRY_EMBEDDED_AGENT: 'yes' } }).embeddedAgent, false);
  assert.equal(load({ flags: { embeddedAgent: 'off' } }).embeddedAgent, false);
});
