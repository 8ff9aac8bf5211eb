// Validation problems in the formats users meet them in: a terminal, a script, a GitHub annotation, and the
// pull request's plan comment (which a failed validation replaces, so a stale plan never stays up).

import { problemCount } from '../../diagnostics/diagnostic.js';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import type { Colors } from '../color.js';
import { escapeData, escapeProperty } from '../github-actions.js';
import { markdownCode, markdownText, visibleText } from './displayed-text.js';

export type DiagnosticFormat = 'human' | 'json' | 'github' | 'markdown';

export type Severity = 'error' | 'warning';

/** Grouped by file, one line per problem: `line:col  error  message  rule`, like ESLint's stylish output. */
export function renderHumanDiagnostics(
  diagnostics: readonly Diagnostic[],
  colors: Colors,
  severity: Severity = 'error',
): string {
  const lines: string[] = [];
  let currentFile: string | undefined;
  for (const d of diagnostics) {
    if (d.file !== currentFile) {
      if (currentFile !== undefined) lines.push('');
      lines.push(colors.underline(visibleText(d.file)));
      currentFile = d.file;
    }
    const where = colors.dim(`${d.line}:${d.column}`.padEnd(8));
    const owner = d.export === null ? '' : `${colors.bold(d.export)}: `;
    const label = severity === 'error' ? colors.red('error') : colors.yellow('warning');
    lines.push(`  ${where}${label}  ${owner}${visibleText(d.message)}  ${colors.dim(d.rule)}`);
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

export function renderProblemSummary(diagnostics: readonly Diagnostic[], colors: Colors): string {
  const files = new Set(diagnostics.map((d) => d.file)).size;
  // The real count: a file's problems past the first 100 are one summing-up line, which counts them all.
  const problems = plural(problemCount(diagnostics), 'problem');
  return `${colors.red('✖')} ${problems} in ${plural(files, 'file')}. Fix them and run \`cxone-exports validate\` again.`;
}

/** A stable array of `{file, line, column, export, message, rule, severity}`: the errors, then the warnings. */
export function renderJsonDiagnostics(errors: readonly Diagnostic[], warnings: readonly Diagnostic[] = []): string {
  const row =
    (severity: Severity) =>
    ({ file, line, column, export: name, message, rule }: Diagnostic) => ({
      file,
      line,
      column,
      export: name,
      message,
      rule,
      severity,
    });
  const rows = [...errors.map(row('error')), ...warnings.map(row('warning'))];
  return `${JSON.stringify(rows, null, 2)}\n`;
}

/** GitHub workflow commands, which show as annotations on the lines of a pull request. */
export function renderGithubDiagnostics(diagnostics: readonly Diagnostic[], severity: Severity = 'error'): string {
  return diagnostics
    .map((d) => {
      const title = `cxone-exports ${d.rule}`;
      const message = d.export === null ? d.message : `${d.export}: ${d.message}`;
      return `::${severity} file=${escapeProperty(d.file)},line=${d.line},col=${d.column},title=${escapeProperty(title)}::${escapeData(message)}\n`;
    })
    .join('');
}

/** The plan comment's stand-in when validation fails: nothing was planned, and this is why. */
export function renderMarkdownDiagnostics(diagnostics: readonly Diagnostic[], marker: string, cap = 60_000): string {
  const files = new Set(diagnostics.map((d) => d.file)).size;
  const head = [
    marker,
    '### cxone-exports plan',
    '',
    `**Validation failed: ${plural(problemCount(diagnostics), 'problem')} in ${plural(files, 'file')}, so nothing was planned.**`,
    '',
    'Fix them and push again; the plan replaces this comment.',
    '',
    '| File | Line | Export | Problem | Rule |',
    '| --- | --- | --- | --- | --- |',
  ];
  const rows: string[] = [];
  let used = head.join('\n').length;
  for (const d of diagnostics) {
    const exportName = d.export === null ? '' : markdownCode(d.export);
    const row = `| ${markdownCode(d.file)} | ${d.line}:${d.column} | ${exportName} | ${markdownText(d.message)} | \`${d.rule}\` |`;
    if (used + row.length + 200 > cap) {
      rows.push(
        '',
        `_${diagnostics.length - rows.length} more problems are left out; \`cxone-exports validate\` lists them all._`,
      );
      break;
    }
    rows.push(row);
    used += row.length + 1;
  }
  return `${[...head, ...rows].join('\n')}\n`;
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
