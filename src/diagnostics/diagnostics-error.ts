// A usage error made of positioned problems: the CLI prints each one in the format the user asked for.

import { UsageError } from '../errors.js';
import type { Diagnostic } from './diagnostic.js';

export class DiagnosticsError extends UsageError {
  constructor(
    readonly diagnostics: Diagnostic[],
    summary: string,
    hint?: string,
  ) {
    super(summary, hint === undefined ? {} : { hint });
  }
}
