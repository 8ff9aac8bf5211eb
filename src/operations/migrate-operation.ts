// `state migrate`: the local state and its audit log, moved into another backend in one step, keeping lineage
// and serial, under the target's lock. Running it again is a no-op; a target that holds another state refuses.

import type { Clock } from '../clock.js';
import type { LocalFileStore } from '../state/local/local-file-store.js';
import { importsState } from '../state/state-store.js';
import type { StateStore } from '../state/state-store.js';
import { UsageError } from '../errors.js';
import { openAuditLog, takeLock } from './state-access.js';
import type { StateAccessView } from './state-access.js';

/** Events moved per statement. */
const BATCH = 1_000;

export interface MigrateReport {
  outcome: 'imported' | 'already';
  target: string;
  lineage: string;
  serial: number;
  exports: number;
  events: number;
  badLines: number;
}

export async function migrateState(
  request: { lockTimeoutMs: number; clock: Clock },
  stores: { source: LocalFileStore; target: StateStore },
  view: StateAccessView,
): Promise<MigrateReport> {
  const { source, target } = stores;
  if (!importsState(target))
    throw new UsageError(`${target.location} cannot take a whole state`, {
      hint: 'Migrate into a backend that supports it (pg).',
    });
  const lock = await takeLock(target, 'state migrate', request.lockTimeoutMs, view, request.clock);
  try {
    // The source's own lock too: nothing may write the local state while it is copied.
    const sourceLock = await takeLock(source, 'state migrate', request.lockTimeoutMs, view, request.clock);
    try {
      await source.compact();
      const { state, exists } = await source.read();
      if (!exists)
        throw new UsageError(`there is no local state to move: ${source.location} does not exist`, {
          hint: 'Run the command where the local state is (or pass -C), or start with the new backend as it is.',
        });
      await openAuditLog(source, view);
      let events = 0;
      let badLines = 0;
      const batches = (async function* () {
        for await (const batch of source.eventBatches(BATCH, () => badLines++)) {
          events += batch.length;
          yield batch;
        }
      })();
      const outcome = await target.importState(state, batches);
      return {
        outcome,
        target: target.location,
        lineage: state.lineage,
        serial: state.serial,
        exports: Object.keys(state.exports).length,
        events: outcome === 'imported' ? events : 0,
        badLines,
      };
    } finally {
      await sourceLock.release();
    }
  } finally {
    await lock.release();
  }
}
