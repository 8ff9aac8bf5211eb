// `audit verify`: the audit chain of one state, read as stored (a file's bytes, a database's rows in their
// order), checked line by line and against the head the state records. No lock: lines appended while it reads
// come after the head it read, and only where the head moves with every event are they judged.

import { ChainVerifier } from '../audit/chain-verifier.js';
import type { ChainReport } from '../audit/chain-verifier.js';
import { UsageError } from '../errors.js';
import { chainsAudit } from '../state/state-store.js';
import type { StateStore } from '../state/state-store.js';

export interface AuditVerification {
  /** Where the events live (a file, a table), for messages. */
  location: string;
  /** How places are counted: lines of a file, or events of a database by sequence number. */
  unit: 'line' | 'event';
  headRecorded: boolean;
  /** Whether the head moves with every event (a database) or only with state writes (local files). */
  headCoversAll: boolean;
  report: ChainReport;
}

export async function verifyAudit(store: StateStore, key: string | undefined): Promise<AuditVerification> {
  if (!chainsAudit(store))
    throw new UsageError(`${store.location} keeps no audit chain to verify`, {
      hint: 'Use the local or the pg backend.',
    });
  // The head first: lines appended after it are read, and judged only against what it says.
  const recorded = await store.recordedAuditHead();
  const unit = store.headCoversAll ? 'event' : 'line';
  const verifier = new ChainVerifier({
    head: recorded?.head,
    headCoversAll: store.headCoversAll,
    scope: recorded?.scope ?? '',
    key,
    place:
      unit === 'line'
        ? (line) => `line ${line}`
        : (line, seq) => (seq === undefined ? `event ${line} (in stored order)` : `event seq ${seq}`),
  });
  await store.streamAuditLog(
    (chunk) => verifier.push(chunk),
    () => verifier.broken,
  );
  return {
    location: store.eventsLocation,
    unit,
    headRecorded: recorded?.head !== undefined,
    headCoversAll: store.headCoversAll,
    report: verifier.end(),
  };
}
