import { parseDuration, parseSize } from '../../core/index.js';
import type { PathPart } from '../yaml-positions.js';
import { asArray, asRecord, jobsOf, type LintContext } from './context.js';

function check(ctx: LintContext, value: unknown, path: PathPart[]): void {
  if (typeof value !== 'string') return; // numbers are seconds; other types are the schema's business
  if (parseDuration(value) !== undefined) return;
  ctx.report({
    code: 'PIPELINE_BAD_DURATION',
    path,
    message: `'${value}' is not a duration`,
    hint: 'write e.g. 90s, 20m, 1h30m, 250ms, or a number of seconds',
  });
}

function checkSize(ctx: LintContext, value: unknown, path: PathPart[]): void {
  if (value === undefined || parseSize(value as string | number) !== undefined) return;
  ctx.report({ code: 'PIPELINE_BAD_SIZE', path, message: `'${String(value)}' is not a size`, hint: 'write e.g. 512m, 2g, 256k, or a number of bytes' });
}

function checkRetry(ctx: LintContext, retry: unknown, path: PathPart[]): void {
  check(ctx, asRecord(retry).backoff, [...path, 'backoff']);
}

/** Every timeout, backoff and retention parses with core's parseDuration; every size with parseSize. */
export function checkDurations(ctx: LintContext): void {
  const defaults = asRecord(asRecord(ctx.root).defaults);
  check(ctx, defaults.timeout, ['defaults', 'timeout']);
  checkRetry(ctx, defaults.retry, ['defaults', 'retry']);
  for (const [name, job] of jobsOf(ctx.root)) {
    const base = ['jobs', name];
    check(ctx, job.timeout, [...base, 'timeout']);
    checkRetry(ctx, job.retry, [...base, 'retry']);
    check(ctx, asRecord(job.artifacts).retention, [...base, 'artifacts', 'retention']);
    for (const [service, spec] of Object.entries(asRecord(job.services))) {
      check(ctx, asRecord(asRecord(spec).health).interval, [...base, 'services', service, 'health', 'interval']);
      check(ctx, asRecord(asRecord(spec).health).timeout, [...base, 'services', service, 'health', 'timeout']);
    }
    checkSize(ctx, asRecord(job.image).memory, [...base, 'image', 'memory']);
    asArray(job.steps).forEach((step, i) => {
      const s = asRecord(step);
      check(ctx, s.timeout, [...base, 'steps', i, 'timeout']);
      check(ctx, asRecord(asRecord(s.deploy).kubernetes).timeout, [...base, 'steps', i, 'deploy', 'kubernetes', 'timeout']);
    });
  }
}
