// How an error reaches the user, by whose fault it is: usage and external errors are short and actionable;
// only our own bugs show a stack.

import { DiagnosticsError } from '../diagnostics/diagnostics-error.js';
import { CliError } from '../errors.js';
import { describeSystemError } from '../files/system-error.js';
import { redactSecrets } from '../redaction.js';
import { toolVersion } from '../version.js';
import { colorLevel, createColors } from './color.js';
import type { CommandIo } from './command-io.js';
import { renderHumanDiagnostics } from './views/render-diagnostics.js';

/** Where the message goes: colour as its stream and environment allow, paths relative to where it started. */
export interface ErrorOutput {
  /** --no-color said false; undefined leaves it to the stream and the environment. */
  colorFlag?: boolean | undefined;
  io?: Pick<CommandIo, 'cwd' | 'env' | 'stderr'>;
}

/** The message for the user; every path passes through the redactor, the last guard for secrets. */
export function renderError(error: unknown, output: ErrorOutput = {}): string {
  return redactSecrets(describeError(error, output));
}

function describeError(error: unknown, { colorFlag = true, io }: ErrorOutput): string {
  const isTTY = io?.stderr.isTTY === true;
  const colors = createColors(colorLevel({ colorFlag, env: io?.env ?? {}, isTTY }));
  const label = colors.red.bold('Error:');
  if (error instanceof CliError && error.kind !== 'internal') {
    const details = error instanceof DiagnosticsError ? `${renderHumanDiagnostics(error.diagnostics, colors)}\n` : '';
    const hint = error.hint === undefined ? '' : `\n${error.hint}\n`;
    return `${details}${label} ${error.message}\n${hint}`;
  }
  const system = describeSystemError(error, io?.cwd);
  if (system !== undefined) return `${label} ${system.message}\n${system.hint}\n`;
  const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return [
    `${colors.red.bold('Internal error:')} this is a bug in cxone-exports ${toolVersion()}, not in your input.`,
    stack,
    'Please report it with the command you ran and the output above. No credentials are needed in the report.',
    '',
  ].join('\n');
}
