// Validation problems in the three formats users meet them in: a terminal, a script, a GitHub annotation.

import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { Colors } from './color.js';
import { escapeData, escapeProperty } from './github-actions.js';

export type DiagnosticFormat = 'human' | 'json' | 'github';

/** Grouped by file, one line per problem: `line:col  error  message  rule`, like ESLint's stylish output. */
export function renderHumanDiagnostics(diagnostics: readonly Diagnostic[], colors: Colors): string {
  const lines: string[] = [];
  let currentFile: string | undefined;
  for (const d of diagnostics) {
    if (d.file !== currentFile) {
      if (currentFile !== undefined) lines.push('');
      lines.push(colors.underline(d.file));
      currentFile = d.file;
    }
    const where = colors.dim(`${d.line}:${d.column}`.padEnd(8));
    const owner = d.export === null ? '' : `${colors.bold(d.export)}: `;
    lines.push(`  ${where}${colors.red('error')}  ${owner}${d.message}  ${colors.dim(d.rule)}`);
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

export function renderProblemSummary(diagnostics: readonly Diagnostic[], colors: Colors): string {
  const files = new Set(diagnostics.map((d) => d.file)).size;
  const problems = plural(diagnostics.length, 'problem');
  return `${colors.red('✖')} ${problems} in ${plural(files, 'file')}. Fix them and run \`cxone-exports validate\` again.`;
}

/** A stable array of `{file, line, column, export, message, rule}`. */
export function renderJsonDiagnostics(diagnostics: readonly Diagnostic[]): string {
  const rows = diagnostics.map(({ file, line, column, export: name, message, rule }) => ({ file, line, column, export: name, message, rule }));
  return `${JSON.stringify(rows, null, 2)}\n`;
}

/** GitHub workflow commands, which show as annotations on the lines of a pull request. */
export function renderGithubDiagnostics(diagnostics: readonly Diagnostic[]): string {
  return diagnostics
    .map((d) => {
      const title = `cxone-exports ${d.rule}`;
      const message = d.export === null ? d.message : `${d.export}: ${d.message}`;
      return `::error file=${escapeProperty(d.file)},line=${d.line},col=${d.column},title=${escapeProperty(title)}::${escapeData(message)}\n`;
    })
    .join('');
}


export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
