// Execution statuses, in one place: which CXone reports, which are still in flight, which are final, and which
// make the next plan retry an export (with the two this tool adds: `submit-failed` and `lost`).

/** A status CXone reports for an execution. */
export type CxoneStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';

/**
 * What the state records as an execution's status: CXone's, plus `submit-failed` for a submission CXone never
 * accepted, and `lost` for an execution CXone's status lookup no longer knows.
 */
export type ExecutionStatus = CxoneStatus | 'submit-failed' | 'lost';

/** Every status CXone reports. */
export const CXONE_STATUSES: readonly string[] = ['queued', 'running', 'completed', 'failed', 'cancelled'];

/** CXone has not finished the execution yet: polling goes on. */
export const IN_FLIGHT_STATUSES: ReadonlySet<string> = new Set(['queued', 'running']);

/** CXone finished the execution: final, whatever arrives later, and counted by status and metrics. */
export const FINISHED_STATUSES: ReadonlySet<string> = new Set(['completed', 'failed', 'cancelled']);

/** Statuses that make the next plan retry the export. */
export const FAILED_STATUSES: readonly ExecutionStatus[] = ['failed', 'submit-failed', 'lost'];
