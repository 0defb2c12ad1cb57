import { z } from 'zod';

/**
 * The pipeline file's schema: one source for the validator (lint), the TypeScript types (compile)
 * and the published JSON Schema (schema/gantry.schema.json). No transforms here — the schema must
 * stay representable as JSON Schema; normalising shorthands is compile's job.
 * Objects are strict so unknown keys become diagnostics with "did you mean".
 */

const scalar = z.union([z.string(), z.number(), z.boolean()]);
/** A duration: `90s`, `20m`, `1h30m`, `250ms`, or a number of seconds. Checked by lint. */
const duration = z.union([z.string(), z.number().nonnegative()]).meta({ description: 'Duration: 90s, 20m, 1h30m, or seconds as a number' });
const stringList = z.array(z.string());
const oneOrMany = z.union([z.string(), stringList]);
const envMap = z.record(z.string(), scalar).meta({ description: 'Environment variables; values may use ${{ }} expressions' });
const condition = z.union([z.string(), z.boolean()]).meta({ description: 'Expression; the job or step runs when it is truthy' });

const pushFilter = z.strictObject({
  branches: stringList.optional().meta({ description: 'Branch globs that trigger a run (default: all)' }),
  branches_ignore: stringList.optional(),
  paths: stringList.optional().meta({ description: 'Run only when a changed file matches one of these globs' }),
  paths_ignore: stringList.optional(),
});

const tagFilter = z.strictObject({
  patterns: stringList.optional().meta({ description: 'Tag globs that trigger a run (default: all)' }),
});

const cronEntry = z.strictObject({
  name: z.string(),
  schedule: z.string().meta({ description: 'Five- or six-field cron pattern' }),
  branch: z.string().optional(),
  timezone: z.string().optional(),
});

const manualInput = z.strictObject({
  description: z.string().optional(),
  type: z.enum(['string', 'boolean', 'number', 'choice']).optional(),
  default: scalar.optional(),
  options: z.array(scalar).optional(),
  required: z.boolean().optional(),
});

const manualTrigger = z.strictObject({
  inputs: z.record(z.string(), manualInput).optional(),
});

const triggerMap = z.strictObject({
  push: pushFilter.nullable().optional(),
  pull_request: pushFilter.nullable().optional(),
  tag: tagFilter.nullable().optional(),
  cron: z.array(cronEntry).optional(),
  manual: manualTrigger.nullable().optional(),
  api: manualTrigger.nullable().optional(),
});

const eventName = z.enum(['push', 'pull_request', 'tag', 'cron', 'manual', 'api']);
const on = z.union([eventName, z.array(eventName), triggerMap]);

const retry = z.union([
  z.number().int().nonnegative(),
  z.strictObject({
    max: z.number().int().nonnegative(),
    backoff: duration.optional(),
    on: z.array(z.enum(['failure', 'timeout', 'infrastructure'])).optional(),
  }),
]);

/** Registry login; the password normally is `${{ secrets.NAME }}`. */
const credentials = z
  .strictObject({ username: z.string(), password: z.string() })
  .meta({ description: 'Registry credentials; use ${{ secrets.NAME }} for the password' });
const pullPolicy = z.enum(['if-not-present', 'always', 'never']).meta({ description: 'When to pull the image (default if-not-present)' });
/** A size: bytes as a number, or `512m`, `1g`, `256k`. Checked by lint. */
const size = z.union([z.string(), z.number().positive()]).meta({ description: 'Size: bytes, or 256k, 512m, 2g' });

const buildStep = z.strictObject({
  context: z.string().optional(),
  file: z.string().optional(),
  tags: stringList.optional(),
  push: z.boolean().optional(),
  build_args: envMap.optional(),
  target: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  credentials: credentials.optional(),
});

const deployStep = z.strictObject({
  kubernetes: z
    .strictObject({
      manifests: z.string().optional(),
      namespace: z.string().optional(),
      images: z.record(z.string(), z.string()).optional(),
      timeout: duration.optional(),
      rollback: z.boolean().optional(),
    })
    .optional(),
});

const stepCommon = {
  name: z.string().optional(),
  id: z.string().optional().meta({ description: 'Name for steps.<id>.outputs' }),
  env: envMap.optional(),
  if: condition.optional(),
  timeout: duration.optional(),
  working_directory: z.string().optional(),
  continue_on_error: z.boolean().optional(),
  shell: z.string().optional(),
};

export const stepSchema = z.strictObject({
  ...stepCommon,
  run: z.string().optional().meta({ description: 'Shell script; stops at the first failing command' }),
  build: buildStep.optional(),
  deploy: deployStep.optional(),
  uses: z.string().optional().meta({ description: 'Plugin step: name@version' }),
  with: z.record(z.string(), z.unknown()).optional(),
});

const service = z.strictObject({
  image: z.string(),
  env: envMap.optional(),
  ports: z.array(z.union([z.string(), z.number()])).optional().meta({ description: 'Ports the service listens on; the job waits until one accepts connections' }),
  command: oneOrMany.optional(),
  pull: pullPolicy.optional(),
  credentials: credentials.optional(),
  health: z
    .strictObject({
      cmd: oneOrMany.meta({ description: 'Command run inside the service; exit 0 means ready' }),
      interval: duration.optional(),
      timeout: duration.optional().meta({ description: 'How long to wait for readiness in all (default 60s)' }),
    })
    .optional(),
});

const container = z.strictObject({
  name: z.string().meta({ description: 'Image reference' }),
  pull: pullPolicy.optional(),
  credentials: credentials.optional(),
  user: z.string().optional().meta({ description: 'user or uid[:gid] the steps run as' }),
  privileged: z.boolean().optional().meta({ description: 'Only for images an admin allow-lists' }),
  cpus: z.number().positive().optional(),
  memory: size.optional(),
});

const matrixAxisValue = z.union([z.string(), z.number(), z.boolean()]);
const matrix = z
  .object({
    include: z.array(z.record(z.string(), matrixAxisValue)).optional(),
    exclude: z.array(z.record(z.string(), matrixAxisValue)).optional(),
  })
  .catchall(z.array(matrixAxisValue));

const cacheEntry = z.strictObject({
  key: z.string(),
  paths: stringList,
  fallback_keys: stringList.optional(),
});

const artifacts = z.strictObject({
  name: z.string().optional(),
  paths: stringList,
  retention: duration.optional(),
  when: z.enum(['on_success', 'on_failure', 'always']).optional(),
});

const environment = z.union([z.string(), z.strictObject({ name: z.string(), url: z.string().optional() })]);

export const jobSchema = z.strictObject({
  name: z.string().optional(),
  needs: oneOrMany.optional(),
  if: condition.optional(),
  env: envMap.optional(),
  matrix: matrix.optional(),
  timeout: duration.optional(),
  retry: retry.optional(),
  continue_on_error: z.boolean().optional(),
  checkout: z.boolean().optional().meta({ description: 'Check out the source (default true)' }),
  shell: z.string().optional(),
  working_directory: z.string().optional(),
  outputs: z.record(z.string(), z.string()).optional(),
  steps: z.array(stepSchema).min(1),
  image: z.union([z.string(), container]).optional().meta({ description: 'Run the steps in this container image (docker backend)' }),
  services: z.record(z.string(), service).optional(),
  cache: z.array(cacheEntry).optional(),
  artifacts: artifacts.optional(),
  environment: environment.optional(),
  runs_on: oneOrMany.optional(),
});

const notifyEntry = z.strictObject({
  on: z.array(z.enum(['success', 'failure', 'fixed', 'canceled', 'error', 'started'])).optional(),
  email: z.strictObject({ to: stringList }).optional(),
  webhook: z.strictObject({ url: z.string(), secret: z.string().optional() }).optional(),
  amqp: z.strictObject({ exchange: z.string(), routing_key: z.string().optional() }).optional(),
  plugin: z.strictObject({ uses: z.string(), with: z.record(z.string(), z.unknown()).optional() }).optional(),
});

export const pipelineSchema = z
  .strictObject({
    version: z.literal(1).meta({ description: 'Pipeline file format version' }),
    on: on.optional(),
    env: envMap.optional(),
    defaults: z
      .strictObject({
        timeout: duration.optional(),
        retry: retry.optional(),
        shell: z.string().optional(),
        working_directory: z.string().optional(),
      })
      .optional(),
    fail_fast: z.boolean().optional().meta({ description: 'Cancel the run at the first failing job (default true)' }),
    concurrency: z
      .strictObject({ group: z.string(), cancel_in_progress: z.boolean().optional() })
      .optional(),
    jobs: z.record(z.string(), jobSchema),
    notify: z.array(notifyEntry).optional(),
  })
  .meta({ title: 'Gantry pipeline file', description: 'The .gantry.yml pipeline file' });

export type PipelineFile = z.infer<typeof pipelineSchema>;
export type JobSpec = z.infer<typeof jobSchema>;
export type StepSpec = z.infer<typeof stepSchema>;
