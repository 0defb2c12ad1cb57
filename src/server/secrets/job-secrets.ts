import type { JobSecrets, JobSecretsSource } from '../../engine/index.js';
import type { SecretScope, SecretStore } from '../../store/index.js';
import { referencedSecrets } from './referenced-secrets.js';
import { sealContext, type SecretBox } from './secret-box.js';

const INSTANCE: SecretScope = { kind: 'instance' };

/**
 * What the engine asks before it queues each job attempt: the secrets that job names, decrypted
 * (project scope shadows instance scope), and notices for its log. Nothing else is read or
 * decrypted, so a job that names no secret holds none, and other jobs' secrets never reach it.
 *
 * - Pull requests from forks get none: their code is not trusted with the project's secrets. The
 *   references evaluate to '' and the job log says why.
 * - A named secret that does not exist evaluates to '' with a warning in the job log (not an error:
 *   `if: secrets.DEPLOY_KEY != ''` is a common way to make a step optional).
 * - A secret that cannot be decrypted (wrong key, tampered) rejects with SECRET_UNREADABLE: the
 *   attempt ends `error` with that reason rather than running without it.
 */
export function createJobSecretsSource(deps: { secrets: SecretStore; box: SecretBox }): JobSecretsSource {
  return async (run, project, job): Promise<JobSecrets> => {
    const refs = referencedSecrets(run.plan, job);
    const notices: string[] = [];
    if (refs.dynamic) {
      notices.push('warning: this job reads `secrets` with a computed name or as a whole; only secrets named in the pipeline (secrets.NAME) are given to a job');
    }
    if (refs.names.length === 0) return { values: {}, notices };
    const listed = refs.names.map((name) => `secrets.${name}`).join(', ');
    if (run.event.fromFork === true) {
      notices.push(`secrets are not given to runs of pull requests from forks: ${listed} evaluate${refs.names.length === 1 ? 's' : ''} to ''`);
      return { values: {}, notices };
    }
    const projectScope: SecretScope = { kind: 'project', projectId: project.id };
    const [own, shared] = await Promise.all([deps.secrets.getMany(projectScope, refs.names), deps.secrets.getMany(INSTANCE, refs.names)]);
    const values: Record<string, string> = {};
    for (const secret of own) values[secret.name] = deps.box.open(secret.sealed, sealContext.secret(projectScope, secret.name));
    for (const secret of shared) {
      if (!(secret.name in values)) values[secret.name] = deps.box.open(secret.sealed, sealContext.secret(INSTANCE, secret.name));
    }
    const missing = refs.names.filter((name) => !(name in values));
    if (missing.length > 0) {
      notices.push(`warning: no secret ${missing.join(', ')} in project ${project.name} or the instance; ${missing.map((n) => `secrets.${n}`).join(', ')} evaluate${missing.length === 1 ? 's' : ''} to '' (set it with: gantry secret set ${missing[0]} --project ${project.name})`);
    }
    return { values, notices };
  };
}
