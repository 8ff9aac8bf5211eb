// The statuses CXone reports for an execution, in one place: which exist, which are still in flight, and which
// are final.

/** Every status CXone reports. */
export const CXONE_STATUSES: readonly string[] = ['queued', 'running', 'completed', 'failed', 'cancelled'];

/** CXone has not finished the execution yet: polling goes on. */
export const IN_FLIGHT_STATUSES: ReadonlySet<string> = new Set(['queued', 'running']);

/** CXone finished the execution: final, whatever arrives later, and counted by status and metrics. */
export const FINISHED_STATUSES: ReadonlySet<string> = new Set(['completed', 'failed', 'cancelled']);
