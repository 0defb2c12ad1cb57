import { LineCounter, isNode, parseDocument } from 'yaml';
import type { GitEvent } from '../event.js';
import type { LoadedPipeline } from '../loaded.js';
import { pipelineSchema } from '../schema.js';

/**
 * For compile's unit tests only: a LoadedPipeline from YAML text without lint, so these tests
 * do not depend on the loader. Positions come from the YAML document like the real loader's.
 */
export function loadForTest(text: string, file = '.gantry.yml'): LoadedPipeline {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  const pipeline = pipelineSchema.parse(doc.toJS());
  return {
    file,
    source: text,
    pipeline,
    locate(path) {
      for (let n = path.length; n >= 0; n--) {
        const node = doc.getIn(path.slice(0, n), true);
        if (isNode(node) && node.range) {
          const { line, col } = lineCounter.linePos(node.range[0]);
          return { line, column: col };
        }
      }
      return { line: 1, column: 1 };
    },
  };
}

export const SHA = '0123456789abcdef0123456789abcdef01234567';

export function pushEvent(branch: string, extra: Partial<GitEvent> = {}): GitEvent {
  return { name: 'push', branch, sha: SHA, ...extra };
}
