// A problem found in a user's file, positioned so that an editor, a terminal and a GitHub annotation can all
// point at it.

import type { RuleCode } from './rule-codes.js';

export interface SourcePosition {
  /** Path as shown to the user: relative to the working directory, with forward slashes. */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

export interface Diagnostic extends SourcePosition {
  /** The export the problem belongs to, when its name is known. */
  export: string | null;
  /** What is wrong, the allowed values, and how to fix it. */
  message: string;
  /** A stable code (`schema/enum`, `yaml/duplicate-key`, `delimiter-allowed`…) that scripts can match on. */
  rule: RuleCode;
  /** `too-many-problems` only: how many problems this line stands for, not listed one by one. */
  unlisted?: number;
}

/** How many problems the diagnostics stand for: each one, and the unlisted ones a summing-up line counts. */
export function problemCount(diagnostics: readonly Diagnostic[]): number {
  return diagnostics.reduce((sum, d) => sum + (d.unlisted ?? 1), 0);
}

/** Stable order: by file, then position, then rule, so output never depends on discovery order. */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return (
    compareStrings(a.file, b.file) ||
    a.line - b.line ||
    a.column - b.column ||
    compareStrings(a.rule, b.rule) ||
    compareStrings(a.message, b.message)
  );
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
