// What `cxone-exports audit export` prints: the events as JSON lines on stdout, at the pace the pipe takes them,
// and on stderr how many stored lines were not events.

import type { AuditEvent } from '../../../audit/audit-event.js';
import type { CommandContext } from '../../command-context.js';

export interface AuditExportView {
  /** Lines a database streams as stored; resolves when stdout has taken them. */
  lines(text: string | Buffer): Promise<void>;
  event(event: AuditEvent): void;
  notEvents(count: number, location: string): void;
}

export function auditExportView(ctx: Pick<CommandContext, 'logger'>, stdout: NodeJS.WritableStream): AuditExportView {
  return {
    lines: (text) =>
      new Promise((resolve, reject) =>
        stdout.write(text, (error) => (error === null || error === undefined ? resolve() : reject(error))),
      ),
    event: (event) => ctx.logger.out(JSON.stringify(event)),
    notEvents: (count, location) => ctx.logger.warn(`Warning: ${count} lines of ${location} are not events; left out.`),
  };
}
