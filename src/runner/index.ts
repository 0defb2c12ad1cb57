/**
 * The runner: runs the steps of one job on a backend, masks secrets, reports step events and lines.
 *
 *   createJobRunner(options)  → JobRunner, structurally the engine's JobExecutor
 *   LocalBackend              → Backend running steps as host processes (process group per step)
 *   loadContainerRuntime()    → the docker backend (jobs with image:) and image builder, when a
 *                               Docker/Podman socket is configured (dockerode is loaded only then)
 *   createMasker(secrets)     → streaming secret masker; maskText for whole values
 *   createLineSplitter()      → whole lines from chunks
 *   hashFiles(root, patterns) → the `hashFiles()` expression function
 */
export type { Backend, BackendJob, ExecRequest, ExecResult, JobContainer, RegistryCredentials, Workspace } from './backend.js';
export type { ImageBuilder, ImageBuildRequest, ImageBuildResult } from './image-builder.js';
export type { JobStorage, StoredArtifact } from './storage/job-storage.js';
export { LocalBackend, type LocalBackendOptions } from './local/local-backend.js';
export type { ContainerRuntime, ContainerRuntimeOptions } from './docker/container-runtime.js';
export { loadContainerRuntime } from './container-runtime-loader.js';
export { dockerCertPathFromEnv, isPlainTcp } from './docker/docker-host.js';
export { createJobRunner } from './job-runner.js';
export { createLocalJobStorage, type LocalJobStorageOptions } from './storage/local-storage.js';
export type { JobRunner, JobRunnerOptions, JobRunInput, JobRunOutcome, StepResultContext } from './job-types.js';
export { createMasker, maskText, secretForms, MASK, MIN_SECRET_LENGTH, type Masker } from './masking/index.js';
export { createLineSplitter, MAX_LINE_LENGTH, type LineSplitter } from './line-splitter.js';
export { parseKeyValueFile, type ParsedFile } from './output-files.js';
export { hashFiles } from './hash-files.js';
