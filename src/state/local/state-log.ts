// state.wal: the log of small changes after the snapshot in state.json, one JSON record per line, each the
// entries set and removed by one write and the serial it produced.

import { StateUnreadableError } from '../state-errors.js';
import type { ExportState, State } from '../state-model.js';
import type { AuditHead } from '../../audit/audit-chain.js';

export interface StateLogRecord {
  lineage: string;
  serial: number;
  set: Record<string, ExportState>;
  remove: string[];
  /** The audit chain's head after the events of this write. */
  head?: AuditHead;
}

export function stateLogLine(record: StateLogRecord): string {
  return `${JSON.stringify(record)}\n`;
}

/** Applies the log records that follow the snapshot. A torn last line was never acknowledged, so it is skipped. */
export function replayStateLog(snapshot: State, text: string, location: string): { state: State; records: number } {
  // The piece after the last newline is either empty or a torn line: either way, not a record.
  const complete = text.split('\n').slice(0, -1);
  const hint = 'The file was left untouched. Move it aside to fall back to state.json alone.';
  let state = snapshot;
  let records = 0;
  complete.forEach((line, index) => {
    let record: StateLogRecord;
    try {
      record = JSON.parse(line) as StateLogRecord;
    } catch {
      throw new StateUnreadableError(`${location}:${index + 1} is not a JSON line`, { hint });
    }
    if (!isStateLogRecord(record)) {
      throw new StateUnreadableError(
        `${location}:${index + 1} is not a state log record (it needs lineage, serial, set and remove)`,
        { hint },
      );
    }
    // Records a snapshot already holds (a crash between the snapshot and emptying the log) are skipped.
    if (record.lineage !== state.lineage || record.serial <= state.serial) return;
    if (record.serial !== state.serial + 1)
      throw new StateUnreadableError(`${location}:${index + 1} jumps from serial ${state.serial} to ${record.serial}`, {
        hint,
      });
    const exports = { ...state.exports, ...record.set };
    for (const name of record.remove) delete exports[name];
    state = {
      ...state,
      serial: record.serial,
      ...(record.head === undefined ? {} : { auditHead: record.head }),
      exports,
    };
    records++;
  });
  return { state, records };
}

/** Bytes of a torn last line (a crash mid-append), to cut off before the log is extended. */
export function tornTailBytes(text: string): number {
  return Buffer.byteLength(text.slice(text.lastIndexOf('\n') + 1));
}

function isStateLogRecord(value: unknown): value is StateLogRecord {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const record = value as Partial<StateLogRecord>;
  const setIsObject = record.set !== null && typeof record.set === 'object' && !Array.isArray(record.set);
  return (
    typeof record.lineage === 'string' &&
    Number.isInteger(record.serial) &&
    setIsObject &&
    Array.isArray(record.remove) &&
    record.remove.every((name) => typeof name === 'string')
  );
}
