#!/usr/bin/env node
// `npm run proto`: regenerates the TypeScript of the agent protocol (proto/gantry/agent/v1/*.proto)
// into src/agent-protocol/generated/ with buf and ts-proto, both from node_modules (works offline).
// Usage: node scripts/gen-proto.mjs [OUTPUT_BASE]   (default: the repository; the check test passes
// a temporary directory and compares the result with the committed files).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = process.argv[2] ?? root;
const buf = fileURLToPath(new URL('../node_modules/.bin/buf', import.meta.url));
const result = spawnSync(buf, ['generate', 'proto', '--template', 'proto/buf.gen.yaml', '-o', out], { cwd: root, stdio: 'inherit' });
process.exit(result.status ?? 1);
