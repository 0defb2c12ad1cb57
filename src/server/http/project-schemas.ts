import { z } from 'zod';
import { parseDuration } from '../../core/index.js';
import { FORGE_KINDS, type Project } from '../../store/index.js';
import type { ProjectView } from '../../api-client/index.js';

/**
 * Wire schemas of the projects API. The repo URL is checked strictly because the server hands it to
 * `git` later: no option-like values (`-u…`), no `ext::` or other transports, no whitespace.
 */
export const PROJECT_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

const SCP_LIKE = /^(?:[A-Za-z0-9._-]+@)?[A-Za-z0-9.-]+:(?!\/\/)[^\s]+$/;
const URL_SCHEMES = new Set(['file:', 'http:', 'https:', 'ssh:', 'git+ssh:']);

export function repoUrlProblem(value: string): string | undefined {
  if (/[\s\0]/.test(value)) return 'must not contain whitespace or control characters';
  if (value.startsWith('-')) return 'must not start with "-"';
  if (value.startsWith('/')) return undefined;
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(value)) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return 'is not a valid URL';
    }
    if (!URL_SCHEMES.has(url.protocol)) return `scheme ${url.protocol.slice(0, -1)} is not supported (use file, http, https or ssh)`;
    if (url.protocol !== 'file:' && url.hostname === '') return 'needs a host';
    return undefined;
  }
  if (SCP_LIKE.test(value) && !value.includes('::')) return undefined;
  return 'expected an absolute local path, file://, http(s)://, ssh:// or scp-like git@host:path';
}

const BRANCH = /^(?!-)(?!.*\.\.)(?!.*\/\/)(?!.*\.lock$)(?!\/)(?!.*\/$)[A-Za-z0-9._/+-]{1,255}$/;

/** Environment names as the pipeline writes them (`environment: production`). */
const ENVIRONMENT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const pollInterval = z.union([z.string(), z.number(), z.null()]).transform((value, ctx) => {
  if (value === null) return null;
  const ms = parseDuration(value);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: 'expected a duration such as 5m or 1h, a number of seconds, or null' });
    return z.NEVER;
  }
  if (ms < 10_000) {
    ctx.addIssue({ code: 'custom', message: 'must be at least 10s' });
    return z.NEVER;
  }
  return ms;
});

export const createProjectBody = z
  .object({
    name: z.string().regex(PROJECT_NAME, 'expected lowercase letters, digits, "-", "_" or "." (starting with a letter or digit, at most 64)'),
    repoUrl: z.string().superRefine((value, ctx) => {
      const problem = repoUrlProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
    forge: z.enum(FORGE_KINDS as readonly ['github', 'gitea', 'gitlab', 'generic']).default('generic'),
    secret: z.string().min(1).max(512).nullable().optional(),
    defaultBranch: z.string().regex(BRANCH, 'expected a valid branch name').default('main'),
    pollInterval: pollInterval.optional(),
    settings: z
      .object({
        autoCancel: z.boolean().optional(),
        maxConcurrentRuns: z.number().int().min(1).max(10_000).nullable().optional(),
        priority: z.number().int().min(-100).max(100).optional(),
        protectedEnvironments: z.array(z.string().regex(ENVIRONMENT_NAME, 'expected an environment name (letters, digits, "-", "_", ".")')).max(50).optional(),
        /** Anyone may read it, without an account (docs/auth.md). */
        public: z.boolean().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export const projectNameParams = z.object({ name: z.string().regex(PROJECT_NAME, 'not a valid project name') }).strict();

export const projectView = z.object({
  id: z.number().int(),
  name: z.string(),
  repoUrl: z.string(),
  forge: z.enum(['github', 'gitea', 'gitlab', 'generic']),
  hasSecret: z.boolean(),
  defaultBranch: z.string(),
  pollIntervalMs: z.number().int().nullable(),
  settings: z.object({ autoCancel: z.boolean(), maxConcurrentRuns: z.number().int().nullable(), priority: z.number().int(), protectedEnvironments: z.array(z.string()), public: z.boolean() }),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const projectList = z.object({ projects: z.array(projectView) });

/** The API form of a project: the webhook secret is reduced to whether there is one. */
export function toProjectView(project: Project): ProjectView {
  return {
    id: project.id,
    name: project.name,
    repoUrl: project.repoUrl,
    forge: project.forge,
    hasSecret: project.webhookSecret !== null && project.webhookSecret !== '',
    defaultBranch: project.defaultBranch,
    pollIntervalMs: project.pollIntervalMs,
    settings: { ...project.settings, protectedEnvironments: [...project.settings.protectedEnvironments] },
    createdAt: new Date(project.createdAt).toISOString(),
    updatedAt: new Date(project.updatedAt).toISOString(),
  };
}
