/**
 * Import rules from DESIGN.md §3, enforced by `npm run lint`.
 * Top-level folders under src/ are layers; a layer may only import another through its index.ts.
 */
const layer = (name) => `^src/${name}/`;

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'Import cycles make layers impossible to reason about.', from: {}, to: { circular: true } },
    {
      name: 'no-deep-imports',
      severity: 'error',
      comment: "Import another folder only through its index.ts, never a file deep inside it.",
      from: { path: '^src/([^/]+)/' },
      to: { path: '^src/[^/]+/.+', pathNot: ['^src/$1/', '^src/[^/]+/index\\.ts$', '^src/store/(sqlite|postgres)/index\\.ts$'] },
    },
    {
      name: 'core-imports-nothing',
      severity: 'error',
      comment: 'core is the bottom layer.',
      from: { path: layer('core') },
      to: { path: '^src/', pathNot: layer('core') },
    },
    {
      name: 'pipeline-is-pure',
      severity: 'error',
      comment: 'pipeline imports only core and does no I/O.',
      from: { path: layer('pipeline') },
      to: { path: ['^src/', '^(node:)?(fs|child_process|net|http|https|dgram|worker_threads|cluster|os)(/|$)'], pathNot: [layer('pipeline'), layer('core')] },
    },
    {
      name: 'engine-boundaries',
      severity: 'error',
      comment: 'engine imports core, pipeline and store ports only.',
      from: { path: layer('engine') },
      to: { path: '^src/(server|runner|agent|cli|store/(sqlite|postgres)|triggers|deploy|notify|plugins)/' },
    },
    {
      name: 'runner-boundaries',
      severity: 'error',
      comment: 'runner imports core and plan types (pipeline) only.',
      from: { path: layer('runner') },
      to: { path: '^src/', pathNot: [layer('runner'), layer('core'), layer('pipeline')] },
    },
    {
      name: 'agent-protocol-is-wire-only',
      severity: 'error',
      comment: 'agent-protocol (generated gRPC code of proto/) is shared by server/grpc and agent/remote: it imports nothing of src.',
      from: { path: layer('agent-protocol') },
      to: { path: '^src/', pathNot: layer('agent-protocol') },
    },
    {
      name: 'agent-boundaries',
      severity: 'error',
      from: { path: layer('agent') },
      to: { path: '^src/(server|cli|store)/' },
    },
    {
      name: 'server-not-runner',
      severity: 'error',
      comment: 'Only the composition root (server/app.ts) wires the embedded agent in.',
      from: { path: layer('server'), pathNot: '^src/server/app\\.ts$' },
      to: { path: '^src/(runner|agent)/' },
    },
    {
      name: 'store-drivers',
      severity: 'error',
      comment: 'Store drivers import only store ports and core.',
      from: { path: '^src/store/(sqlite|postgres)/' },
      to: { path: '^src/', pathNot: ['^src/store/', layer('core')] },
    },
    {
      name: 'cli-boundaries',
      severity: 'error',
      comment: 'cli talks to the server through api-client; never server or store.',
      from: { path: layer('cli'), pathNot: '^src/cli/commands/server\\.ts$' },
      to: { path: '^src/(server|store)/' },
    },
    {
      name: 'cli-server-command',
      severity: 'error',
      comment: '`gantry server` (a composition root, loaded lazily) starts the server through server/index.ts; it never touches the store.',
      from: { path: '^src/cli/commands/server\\.ts$' },
      to: { path: '^src/store/' },
    },
    {
      name: 'store-drivers-only-in-roots',
      severity: 'error',
      comment: 'Only composition roots pick a store driver (its index.ts is the entry point).',
      from: { path: '^src/', pathNot: ['^src/server/app\\.ts$', '^src/store/'] },
      to: { path: '^src/store/(sqlite|postgres)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    exclude: { path: '\\.test\\.ts$' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
