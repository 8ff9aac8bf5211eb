// How an error reaches the user, by whose fault it is: usage and external errors are short and actionable;
// only our own bugs show a stack.

import { DiagnosticsError } from '../diagnostics/diagnostics-error.js';
import { CliError } from '../errors.js';
import { describeSystemError } from '../files/system-error.js';
import { redactSecrets } from '../redaction.js';
import { toolVersion } from '../version.js';
import { colorLevel, createColors } from './color.js';
import { renderHumanDiagnostics } from './views/render-diagnostics.js';

/** The message for the user; every path passes through the redactor, the last guard for secrets. */
export function renderError(error: unknown, colorFlag = true): string {
  return redactSecrets(describeError(error, colorFlag));
}

function describeError(error: unknown, colorFlag: boolean): string {
  const colors = createColors(colorLevel({ colorFlag, env: process.env, isTTY: process.stderr.isTTY === true }));
  const label = colors.red.bold('Error:');
  if (error instanceof CliError && error.kind !== 'internal') {
    const details = error instanceof DiagnosticsError ? `${renderHumanDiagnostics(error.diagnostics, colors)}\n` : '';
    const hint = error.hint === undefined ? '' : `\n${error.hint}\n`;
    return `${details}${label} ${error.message}\n${hint}`;
  }
  const system = describeSystemError(error, process.cwd());
  if (system !== undefined) return `${label} ${system.message}\n${system.hint}\n`;
  const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return [
    `${colors.red.bold('Internal error:')} this is a bug in cxone-exports ${toolVersion()}, not in your input.`,
    stack,
    'Please report it with the command you ran and the output above. No credentials are needed in the report.',
    '',
  ].join('\n');
}
