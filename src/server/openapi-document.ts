import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig, serverSettings } from '../config/index.js';
import { startServer } from './app.js';

/**
 * The OpenAPI document exactly as `gantry server` serves it at /api/v1/openapi.json: a real server is
 * started (temporary data directory, no embedded agent, a free port, default settings, no
 * environment), asked, and stopped. Whatever routes the composition root mounts are in it, without a
 * list to keep. Used by `npm run openapi` (writes docs/openapi.json) and the test that compares.
 */
export async function generateOpenApiDocument(): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gantry-openapi-'));
  const discard = new Writable({ write: (_chunk, _encoding, done) => done() });
  try {
    const config = loadConfig(serverSettings, {
      env: { GANTRY_DATA_DIR: dataDir, GANTRY_LISTEN: '127.0.0.1:0', GANTRY_EMBEDDED_AGENT: 'false', GANTRY_LOG_FORMAT: 'json' },
      context: { cwd: dataDir, isTty: false },
    });
    const server = await startServer(config, { announce: () => {}, logDestination: discard });
    try {
      const res = await server.app.inject({ url: '/api/v1/openapi.json' });
      if (res.statusCode !== 200) throw new Error(`GET /api/v1/openapi.json answered ${res.statusCode}: ${res.body}`);
      return res.body;
    } finally {
      await server.stop('openapi document generated');
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
