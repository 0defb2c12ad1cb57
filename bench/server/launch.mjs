// `node launch.mjs BUNDLE ARGS…` runs the gantry CLI from a bundle file, as bin/gantry.js does with
// dist/gantry.mjs, but without its freshness check (see bundle.ts).
const [, , bundle, ...args] = process.argv;
const { main } = await import(bundle);
process.exit(await main([process.argv[0], 'gantry', ...args]));
