/** Wire types of the secrets API (docs/secrets.md). A value goes in, never out. */

export interface SetSecretRequest {
  value: string;
}

export interface SecretView {
  name: string;
  scope: 'instance' | 'project';
  /** The project's name for project secrets, else null. */
  project: string | null;
  /** ISO 8601. */
  createdAt: string;
  updatedAt: string;
}

export interface SecretList {
  secrets: SecretView[];
}
