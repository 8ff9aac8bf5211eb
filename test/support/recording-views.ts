// Views that record what an operation told them, as `method detail` lines, so tests read the conversation an
// operation had with its view without any rendering.

import type { ApplyView } from '../../src/operations/apply-operation.js';

export function recordingApplyView(): ApplyView & { said: string[] } {
  const said: string[] = [];
  const say = (line: string) => said.push(line);
  return {
    said,
    progress: {
      start: (changes) => say(`start ${changes.map((c) => c.name).join(',')}`),
      finish: () => Promise.resolve(),
      abandon: (reason) => say(`abandon ${reason}`),
      waiting: () => undefined,
      submitting: () => undefined,
      retrying: (change, attempt) => say(`retrying ${change.name} ${attempt}`),
      submitted: (change) => say(`submitted ${change.name}`),
      failed: (change, reason) => say(`failed ${change.name} ${reason}`),
      skipped: (change, reason) => say(`skipped ${change.name} ${reason}`),
      recorded: (change) => say(`recorded ${change.name}`),
      progress: () => undefined,
      finished: (ended) => say(`ended ${ended.execution.name} ${ended.status}`),
    },
    nothingToDo: () => say('nothing to do'),
    planned: (plan) => say(`planned ${plan.changes.map((c) => `${c.name}:${c.action}`).join(',')}`),
    interrupted: (signal) => say(`interrupted ${signal}`),
    waiting: (executions) => say(`waiting ${executions}`),
    waitEnded: (result) => say(`wait ended ${JSON.stringify(result)}`),
    finished: (report) => say(`finished ${report.results.map((r) => `${r.name}:${r.outcome}`).join(',')}`),
    staleLockBroken: (holder) => say(`stale lock broken ${holder.id}`),
    waitingForLock: (holder) => say(`waiting for lock ${holder.operation}`),
    auditLogRepaired: (bytes) => say(`audit log repaired ${bytes}`),
  };
}
