/**
 * Whether an admin allow-listed `image` for `privileged: true`. Entries are image references as
 * pipelines write them, compared exactly, or globs: `*` stands for any characters except `/`, `**`
 * for any characters. No normalisation (docker:dind is not docker.io/library/docker:dind), so an
 * entry allows exactly what it says.
 */
export function privilegedAllowed(image: string, allowList: readonly string[]): boolean {
  return allowList.some((entry) => globToRegExp(entry).test(image));
}

function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '*' && glob[i + 1] === '*') {
      source += '.*';
      i++;
    } else if (ch === '*') source += '[^/]*';
    else source += ch.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}
