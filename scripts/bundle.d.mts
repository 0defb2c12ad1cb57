export function bundleCli(outdir: string, options?: { sourcemap?: boolean }): Promise<string>;
