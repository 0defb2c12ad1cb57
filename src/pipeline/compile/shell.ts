/**
 * How a run step's script is started: an argv in which `{0}` stands for the path of the script
 * file the runner writes (never the script text on a command line). Named shells:
 *   bash → bash --noprofile --norc -eo pipefail {0}   (stop at the first failing command, pipes too)
 *   sh   → sh -e {0}
 *   another single word (zsh, python3, pwsh…) → WORD {0}
 * A custom command (`node --trace-warnings {0}`) is split on spaces and must contain `{0}`.
 */
export const DEFAULT_SHELL = 'bash';

export function resolveShell(shell: string): string[] | undefined {
  const words = shell.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return undefined;
  if (words.length === 1) {
    if (words[0] === 'bash') return ['bash', '--noprofile', '--norc', '-eo', 'pipefail', '{0}'];
    if (words[0] === 'sh') return ['sh', '-e', '{0}'];
    if (!words[0]!.includes('{0}')) return [words[0]!, '{0}'];
  }
  return words.some((word) => word.includes('{0}')) ? words : undefined;
}
