// The report of a run (`--report FILE`, schemas/run-report.schema.json): every environment, how it ended, its
// counts, its errors and the executions it submitted, with their ends when it waited. Pure: the ends in, the
// document out; the command writes it.

import type { EnvironmentEnd } from '../../operations/across-environments.js';
import { renderError } from '../render-error.js';

export type RunKind = 'apply' | 'refresh' | 'status' | 'audit verify';

/** An execution a run submitted (or found), with its end when it saw one. */
export interface ReportedExecution {
  export: string;
  executionId: string;
  /** Its last known status: `submitted` until an end was seen. */
  status: string;
}

/** What the command came to in one environment. */
export interface EnvironmentWork {
  succeeded: boolean;
  /** applied, no changes, refreshed or reported; `failed` when it did not succeed. */
  outcome: string;
  submitted: number;
  /** Exports whose submission failed. */
  failed: number;
  skipped: number;
  /** Changes the promotion gate held back. */
  blocked: number;
  /** Executions it waited for that ended failed, cancelled or lost. */
  failedExecutions: number;
  executions: ReportedExecution[];
  /** What went wrong, one line each (a failed export's reason, an execution's end). */
  errors: string[];
}

/** The work of a command that sends nothing (refresh, status), in one environment that succeeded. */
export function sentNothing(outcome: 'refreshed' | 'reported' | 'verified'): EnvironmentWork {
  return {
    succeeded: true,
    outcome,
    submitted: 0,
    failed: 0,
    skipped: 0,
    blocked: 0,
    failedExecutions: 0,
    executions: [],
    errors: [],
  };
}

export interface EnvironmentReport {
  environment: string;
  outcome: string;
  durationMs: number | null;
  submitted: number;
  failed: number;
  skipped: number;
  blocked: number;
  failedExecutions: number;
  errors: string[];
  heldBecause?: string;
  executions: ReportedExecution[];
}

export interface RunReport {
  reportVersion: 1;
  command: RunKind;
  startedAt: string;
  endedAt: string;
  /** succeeded when every environment did. */
  outcome: 'succeeded' | 'failed';
  environments: EnvironmentReport[];
}

const NOTHING = { submitted: 0, failed: 0, skipped: 0, blocked: 0, failedExecutions: 0 };

export function environmentReport(end: EnvironmentEnd<EnvironmentWork>): EnvironmentReport {
  if (end.outcome === 'held')
    return {
      environment: end.environment,
      outcome: 'held',
      durationMs: null,
      ...NOTHING,
      errors: [],
      heldBecause: end.heldBecause,
      executions: [],
    };
  const durationMs = Math.round(end.endedAt - end.startedAt);
  if (!('result' in end))
    return {
      environment: end.environment,
      outcome: 'failed',
      durationMs,
      ...NOTHING,
      errors: errorLines(end.error),
      executions: [],
    };
  const { result } = end;
  return {
    environment: end.environment,
    outcome: end.outcome === 'succeeded' ? result.outcome : 'failed',
    durationMs,
    submitted: result.submitted,
    failed: result.failed,
    skipped: result.skipped,
    blocked: result.blocked,
    failedExecutions: result.failedExecutions,
    errors: result.errors,
    executions: result.executions,
  };
}

export function runReport(
  kind: RunKind,
  ends: readonly EnvironmentEnd<EnvironmentWork>[],
  times: { startedAt: number; endedAt: number },
): RunReport {
  return {
    reportVersion: 1,
    command: kind,
    startedAt: new Date(times.startedAt).toISOString(),
    endedAt: new Date(times.endedAt).toISOString(),
    outcome: ends.every((end) => end.outcome === 'succeeded') ? 'succeeded' : 'failed',
    environments: ends.map(environmentReport),
  };
}

/** An error as the report says it: its message and hint, without colour, redacted. */
function errorLines(error: unknown): string[] {
  return renderError(error, { colorFlag: false })
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => line.replace(/^Error: /, ''));
}
