// Before a command reads or appends audit events, the store repairs a line a crash tore, and the user is told.

import { repairsAuditLog } from '../state/state-store.js';
import type { StateStore } from '../state/state-store.js';
import type { Logger } from './logger.js';

export async function openAuditLogReportingRepair(store: StateStore, logger: Logger): Promise<void> {
  if (!repairsAuditLog(store)) return;
  const { repairedBytes } = await store.openAuditLog();
  if (repairedBytes > 0) {
    logger.warn(
      `Warning: the last line of audit.jsonl was torn by a crash; its ${repairedBytes} bytes were moved to audit.jsonl.torn.`,
    );
  }
}
