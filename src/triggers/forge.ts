/** Where a webhook comes from; it picks the signature scheme and the payload parser. */
export type Forge = 'github' | 'gitea' | 'gitlab' | 'generic';

export const FORGES: readonly Forge[] = ['github', 'gitea', 'gitlab', 'generic'];

export function isForge(value: string): value is Forge {
  return (FORGES as readonly string[]).includes(value);
}
