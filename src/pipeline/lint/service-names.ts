import { asRecord, jobsOf, type LintContext } from './context.js';

/** RFC 1123 label, lower case: a service's name is its host name on the job's network. */
const HOST_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** Service names must be usable as host names, or the job could not reach the service by name. */
export function checkServiceNames(ctx: LintContext): void {
  for (const [name, job] of jobsOf(ctx.root)) {
    for (const service of Object.keys(asRecord(job.services))) {
      if (HOST_NAME.test(service)) continue;
      ctx.report({
        code: 'PIPELINE_BAD_SERVICE_NAME',
        path: ['jobs', name, 'services', service],
        at: 'key',
        message: `service name '${service}' is not a valid host name (the job reaches the service by this name)`,
        hint: `use lower-case letters, digits and '-', e.g. '${service.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'db'}'`,
      });
    }
  }
}
