import { GantryError } from '../../core/index.js';
import type { NewProject, Project, ProjectPatch, ProjectStore, Store } from '../../store/index.js';
import { isSealed, sealContext, type SecretBox } from './secret-box.js';

/**
 * The store as the rest of the server sees it: project webhook secrets are sealed on the way in and
 * opened on the way out, so the database file holds only ciphertext while routes, webhook
 * verification and pollers keep working with the plain secret. A value that is not sealed (stored
 * before encryption existed) is returned as is; `sealPlainWebhookSecrets` upgrades those at start.
 */
export function withSealedWebhookSecrets(store: Store, box: SecretBox): Store {
  const projects = new SealedProjectStore(store.projects, box);
  return new Proxy(store, { get: (target, prop) => (prop === 'projects' ? projects : Reflect.get(target, prop, target)) });
}

/**
 * A store opened for the server: plain webhook secrets left from before encryption are sealed
 * first, then the store is wrapped (withSealedWebhookSecrets). Closes the store when that fails.
 */
export async function sealStore(store: Store, box: SecretBox, warn: (message: string) => void = () => {}): Promise<Store> {
  try {
    await sealPlainWebhookSecrets(store.projects, box);
    const lost = await sealedWithUnknownKeys(store, box);
    if (lost.length > 0) {
      warn(`${lost.length} stored secret(s) were sealed with a key that is not configured (secret.key replaced or GANTRY_SECRET_KEY changed?): ` +
        `${lost.slice(0, 5).join(', ')}${lost.length > 5 ? ', …' : ''}. Restore the key, or set them again; jobs naming them end with SECRET_UNREADABLE ` +
        'and webhooks of such projects are rejected');
    }
  } catch (err) {
    await store.close();
    throw err;
  }
  return withSealedWebhookSecrets(store, box);
}

/** Names of the values no configured key can open (contexts, never values). */
async function sealedWithUnknownKeys(store: Store, box: SecretBox): Promise<string[]> {
  const lost = (await store.secrets.listAll()).filter((s) => !box.hasKeyFor(s.sealed)).map((s) => sealContext.secret(s.scope, s.name));
  for (const project of await store.projects.list()) {
    const secret = project.webhookSecret;
    if (secret !== null && isSealed(secret) && !box.hasKeyFor(secret)) lost.push(sealContext.webhook(project.name));
  }
  return lost;
}

/** Seals every webhook secret still stored in plain text; returns how many. Idempotent. */
export async function sealPlainWebhookSecrets(projects: ProjectStore, box: SecretBox): Promise<number> {
  let sealed = 0;
  for (const project of await projects.list()) {
    const secret = project.webhookSecret;
    if (secret === null || secret === '' || isSealed(secret)) continue;
    await projects.update(project.id, { webhookSecret: box.seal(secret, sealContext.webhook(project.name)) });
    sealed++;
  }
  return sealed;
}

class SealedProjectStore implements ProjectStore {
  readonly #inner: ProjectStore;
  readonly #box: SecretBox;

  constructor(inner: ProjectStore, box: SecretBox) {
    this.#inner = inner;
    this.#box = box;
  }

  async create(input: NewProject): Promise<Project> {
    const webhookSecret = this.#seal(input.name, input.webhookSecret);
    return this.#open(await this.#inner.create({ ...input, ...(webhookSecret !== undefined && { webhookSecret }) }));
  }

  async getById(id: number): Promise<Project | undefined> {
    const project = await this.#inner.getById(id);
    return project && this.#open(project);
  }

  async getByName(name: string): Promise<Project | undefined> {
    const project = await this.#inner.getByName(name);
    return project && this.#open(project);
  }

  async list(): Promise<Project[]> {
    return (await this.#inner.list()).map((project) => this.#open(project));
  }

  async update(id: number, patch: ProjectPatch): Promise<Project> {
    if (patch.webhookSecret === undefined || patch.webhookSecret === null) return this.#open(await this.#inner.update(id, patch));
    // The name is the seal's context; a missing project falls through to the store's STORE_NOT_FOUND.
    const current = await this.#inner.getById(id);
    const webhookSecret = current ? this.#seal(current.name, patch.webhookSecret) : patch.webhookSecret;
    return this.#open(await this.#inner.update(id, { ...patch, webhookSecret }));
  }

  delete(id: number): Promise<boolean> {
    return this.#inner.delete(id);
  }

  #seal(projectName: string, secret: string | null | undefined): string | null | undefined {
    return secret === undefined || secret === null || secret === '' ? secret : this.#box.seal(secret, sealContext.webhook(projectName));
  }

  /**
   * A webhook secret that cannot be opened reads as none: webhooks of the project are rejected (fail
   * closed) while the rest of the project stays usable; the start-up warning says why.
   */
  #open(project: Project): Project {
    const secret = project.webhookSecret;
    if (secret === null || !isSealed(secret)) return project;
    try {
      return { ...project, webhookSecret: this.#box.open(secret, sealContext.webhook(project.name)) };
    } catch (err) {
      if (err instanceof GantryError && err.code === 'SECRET_UNREADABLE') return { ...project, webhookSecret: null };
      throw err;
    }
  }
}
