import pkg from '../../package.json' with { type: 'json' };

/** The running Gantry's version (package.json; bundled into the CLI at build time). */
export const GANTRY_VERSION: string = pkg.version;
