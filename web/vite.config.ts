// The web UI's build (docs/ui.md): `npm run build` runs it after the CLI bundle, into dist/web/, which
// the server serves at `/`. JSX goes through Vite's built-in transform with Preact's runtime.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
  },
});
