// A three-way merge of two states that grew from one base, for Git (the state.json merge driver): when two
// runs both committed state, each export keeps the version with the latest activity, so no run's result is
// lost. Pure.

import type { ExportState, State } from './state-model.js';

export type MergeResult = { ok: true; state: State } | { ok: false; reason: string };

export function mergeStates(base: State | undefined, ours: State, theirs: State): MergeResult {
  if (ours.lineage !== theirs.lineage)
    return {
      ok: false,
      reason: `the two states have different lineages (${ours.lineage}, ${theirs.lineage}); they did not grow from one state`,
    };
  const names = new Set([...Object.keys(ours.exports), ...Object.keys(theirs.exports)]);
  const exports: Record<string, ExportState> = {};
  for (const name of [...names].sort()) {
    const merged = mergeEntry(base?.exports[name], ours.exports[name], theirs.exports[name]);
    if (merged !== undefined) exports[name] = merged;
  }
  return { ok: true, state: { ...ours, serial: Math.max(ours.serial, theirs.serial) + 1, exports } };
}

function mergeEntry(
  base: ExportState | undefined,
  ours: ExportState | undefined,
  theirs: ExportState | undefined,
): ExportState | undefined {
  const same = (a: ExportState | undefined, b: ExportState | undefined) => JSON.stringify(a) === JSON.stringify(b);
  if (same(ours, theirs)) return ours;
  if (same(base, ours)) return theirs; // only theirs changed (or removed it)
  if (same(base, theirs)) return ours;
  // Both changed it: the version with the later activity wins; a removal loses to any activity after the base.
  if (ours === undefined) return theirs;
  if (theirs === undefined) return ours;
  return lastActivity(theirs) > lastActivity(ours) ? theirs : ours;
}

function lastActivity(entry: ExportState): number {
  const times = [entry.pending?.startedAt, entry.lastExecution?.submittedAt, entry.lastExecution?.completedAt]
    .filter((t): t is string => typeof t === 'string')
    .map((t) => Date.parse(t));
  return Math.max(0, ...times.filter((t) => !Number.isNaN(t)));
}
