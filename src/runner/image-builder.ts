/**
 * Builds (and pushes) container images for `build:` steps. The docker backend's implementation
 * (`createImageBuilder`) speaks the Engine API; the runner's build step evaluates the step's
 * templates, checks its paths and turns the result into step outputs (`digest`, `image_id`, `image`).
 *
 * Call order: one `build` per build step; calls for different jobs may run at once. Not idempotent:
 * each call builds again (the engine's layer cache makes a repeat cheap) and pushes again.
 * Outcome: a build or push that the engine refused (a failing RUN, a registry that says no) resolves
 * `failed` with the engine's message — a state of the step, not a fault. It rejects only when the
 * engine itself could not be talked to. Cancellation: when `signal` aborts, the request to the
 * engine is dropped and `build` resolves `canceled`; Docker stops the build at once, Podman 4 lets
 * the RUN in progress finish, then stops without tagging.
 */
export interface ImageBuilder {
  build(request: ImageBuildRequest): Promise<ImageBuildResult>;
}

export interface ImageBuildRequest {
  /** Host directory sent as the build context (inside the job's workspace). */
  contextDir: string;
  /** Absolute path of the Containerfile/Dockerfile, inside the workspace; may lie outside `contextDir`. */
  file: string;
  /** Full references (`registry.example.com/team/app:1.2`), already valid. */
  tags: string[];
  buildArgs: Record<string, string>;
  target?: string;
  labels: Record<string, string>;
  push: boolean;
  /** Registry login for the push (and for base images in the tags' registries). */
  credentials?: { username: string; password: string };
  signal: AbortSignal;
  /** Build and push progress, a line at a time, unmasked (the caller masks). */
  onLine(stream: 'stdout' | 'stderr' | 'system', line: string): void;
}

export type ImageBuildResult =
  | {
      outcome: 'built';
      /** `sha256:…` of the image config (what `docker images` shows). */
      imageId: string;
      /** `sha256:…` of the pushed manifest, as the registry serves it; undefined when nothing was pushed. */
      digest?: string;
    }
  | { outcome: 'failed'; reason: string }
  | { outcome: 'canceled' };
