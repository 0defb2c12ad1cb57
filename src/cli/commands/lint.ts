import { hasErrors, sortDiagnostics } from '../../core/index.js';
import { loadPipeline } from '../../pipeline/index.js';
import { EXIT } from '../exit-codes.js';
import { countLine, DEFAULT_PIPELINE_FILE, formatDiagnostics, readPipelineText } from '../pipeline-source.js';
import { colorEnabled, createStyle } from '../render/style.js';

export interface LintFlags {
  json?: boolean;
  color?: boolean;
}

/** `gantry lint`: every problem of the file, compiler style; exit 1 when any is an error. */
export async function lintCommand(fileArg: string | undefined, flags: LintFlags): Promise<number> {
  const file = fileArg ?? DEFAULT_PIPELINE_FILE;
  const text = await readPipelineText(file);
  const diagnostics = sortDiagnostics(loadPipeline(text, file).diagnostics);
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  if (flags.json) {
    const out = { file, errors, warnings: diagnostics.length - errors, diagnostics };
    process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  } else {
    const style = createStyle(colorEnabled(process.stdout, flags.color === false));
    if (diagnostics.length > 0) process.stdout.write(formatDiagnostics(diagnostics, style) + '\n');
    process.stdout.write(`${diagnostics.length > 0 ? '\n' : ''}${file}: ${countLine(diagnostics)}\n`);
  }
  return hasErrors(diagnostics) ? EXIT.failed : EXIT.ok;
}
