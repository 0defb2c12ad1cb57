import { LineCounter, parseDocument, type Document } from 'yaml';
import { sortDiagnostics, type Diagnostic } from '../core/index.js';
import type { LoadedPipeline, LoadResult } from './loaded.js';
import { findDeepNesting, MAX_NESTING } from './lint/nesting-depth.js';
import { duplicateKeyProblems, lintPipeline, schemaProblems, toDiagnostic, type Issue, type Problem } from './lint/index.js';
import { pipelineSchema, type PipelineFile } from './schema.js';
import { createYamlPositions, type YamlPositions } from './yaml-positions.js';

/** Files larger than this are refused before parsing: a pipeline file is never that big. */
export const MAX_PIPELINE_BYTES = 1024 * 1024;
/** Alias expansions allowed when turning YAML into data (stops "billion laughs" documents). */
const MAX_ALIAS_COUNT = 100;
/** YAML syntax errors reported; after the first few, more are noise. */
const MAX_SYNTAX_ERRORS = 10;

/**
 * Parses, validates and lints a pipeline file. Total and bounded: any text ends in a result, never
 * an exception. `loaded` is set only when there are no errors; warnings stay in `diagnostics`.
 * All problems are collected: YAML syntax errors stop the rest (nothing reliable to check), but
 * schema and semantic problems are reported together.
 */
export function loadPipeline(text: string, file: string): LoadResult {
  try {
    return load(text, file);
  } catch (err) {
    // A deep stack or a bug in a check must not crash the caller: say so as a diagnostic.
    const overflow = err instanceof RangeError;
    const message = overflow ? 'the file nests too deeply to read' : `internal error while checking the file: ${err instanceof Error ? err.message : String(err)}`;
    return { diagnostics: [{ code: overflow ? 'PIPELINE_YAML_SYNTAX' : 'PIPELINE_LINT_FAULT', severity: 'error', message, file, line: 1, column: 1, path: '' }] };
  }
}

function load(text: string, file: string): LoadResult {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_PIPELINE_BYTES) {
    const message = `the file is ${bytes} bytes; the limit is ${MAX_PIPELINE_BYTES} (1 MiB)`;
    return { diagnostics: [{ code: 'PIPELINE_FILE_TOO_LARGE', severity: 'error', message, file, line: 1, column: 1, path: '' }] };
  }
  const deep = findDeepNesting(text);
  if (deep) {
    let line = 1;
    for (let i = text.indexOf('\n'); i >= 0 && i < deep.offset; i = text.indexOf('\n', i + 1)) line++;
    const message = `the document nests more than ${MAX_NESTING} levels deep`;
    const hint = 'a pipeline file needs only a few levels; look for runaway brackets or indentation';
    return { diagnostics: [{ code: 'PIPELINE_YAML_SYNTAX', severity: 'error', message, file, line, column: 1, path: '', hint }] };
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: false });
  const positions = createYamlPositions(doc, lineCounter, text);
  const syntax = syntaxDiagnostics(doc, positions, file);
  if (syntax.length > 0) return { diagnostics: syntax };

  const problems: Problem[] = duplicateKeyProblems(doc);
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    const message = `cannot read the document: ${err instanceof Error ? err.message : String(err)}`;
    return { diagnostics: [{ code: 'PIPELINE_YAML_SYNTAX', severity: 'error', message, file, line: 1, column: 1, path: '', hint: 'use fewer YAML aliases (*name)' }] };
  }
  const parsed = pipelineSchema.safeParse(data);
  if (!parsed.success) problems.push(...schemaProblems(parsed.error.issues as unknown as Issue[], data, pipelineSchema));
  problems.push(...lintPipeline(data, positions));

  const diagnostics = sortDiagnostics(dedupe(problems.map((p) => toDiagnostic(file, positions, p))));
  const hasError = diagnostics.some((d) => d.severity === 'error');
  if (hasError || !parsed.success) return { diagnostics };
  return { loaded: loadedPipeline(file, text, parsed.data, positions), diagnostics };
}

function syntaxDiagnostics(doc: Document, positions: YamlPositions, file: string): Diagnostic[] {
  return doc.errors.slice(0, MAX_SYNTAX_ERRORS).map((e) => {
    const pos = positions.at(e.pos[0]);
    const deep = e.code === 'RESOURCE_EXHAUSTION';
    const d: Diagnostic = {
      code: 'PIPELINE_YAML_SYNTAX',
      severity: 'error',
      message: deep ? 'the document nests too deeply' : firstLine(e.message),
      file,
      line: pos.line,
      column: pos.column,
      path: '',
    };
    if (e.code === 'TAB_AS_INDENT') d.hint = 'indent with spaces, not tabs';
    return d;
  });
}

const firstLine = (s: string): string => (s.split('\n')[0] ?? s).replace(/ at line \d+, column \d+:?$/, '');

function dedupe(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.line}:${d.column}:${d.code}:${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function loadedPipeline(file: string, source: string, pipeline: PipelineFile, positions: YamlPositions): LoadedPipeline {
  return { file, source, pipeline, locate: (path) => positions.locate(path) };
}
