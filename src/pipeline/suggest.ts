/**
 * "Did you mean": the closest candidate by optimal-string-alignment distance (Damerau–Levenshtein
 * with adjacent transpositions), case-insensitive, `-` and `_` treated alike. A candidate counts
 * only when it is close relative to the word's length, so wild guesses are not offered.
 */
export function editDistance(a: string, b: string): number {
  // Bounded on purpose: names in pipeline files are short, and this runs on user input.
  if (a.length > 256 || b.length > 256) return Math.max(a.length, b.length);
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

const normalise = (s: string): string => s.toLowerCase().replace(/-/g, '_');

/** The closest candidate to `word`, or undefined when none is close enough. */
export function closestMatch(word: string, candidates: Iterable<string>): string | undefined {
  const w = normalise(word);
  const limit = Math.max(1, Math.min(3, Math.floor(w.length / 3)));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (candidate === word) continue;
    const distance = editDistance(w, normalise(candidate));
    if (distance <= limit && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** A hint like `did you mean 'needs'?`, or undefined. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const match = closestMatch(word, candidates);
  return match === undefined ? undefined : `did you mean '${match}'?`;
}

/** `did you mean 'x'?`, or else a list of what exists, for diagnostic hints. */
export function suggestion(word: string, candidates: readonly string[], what: string): string {
  return didYouMean(word, candidates) ?? (candidates.length ? `${what}: ${candidates.join(', ')}` : `there are no ${what}`);
}
