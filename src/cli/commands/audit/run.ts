// What `cxone-exports audit export` does when it runs: streams each selected environment's audit events to
// stdout as stored, or, with filters or as a table, line by line through the filter.

import { AUDIT_EVENTS } from '../../../audit/audit-event.js';
import type { AuditEvent, AuditEventName } from '../../../audit/audit-event.js';
import { auditMatcher, filtersNothing } from '../../../audit/audit-filter.js';
import { LineChunks } from '../../../audit/line-chunks.js';
import type { AuditFilter } from '../../../audit/audit-filter.js';
import { UsageError } from '../../../errors.js';
import { chainsAudit, exportsEvents } from '../../../state/state-store.js';
import type { StateStore } from '../../../state/state-store.js';
import type { CommandContext } from '../../command-context.js';
import { parseInstant, sinceMoment } from '../../durations.js';
import { withStateStore } from '../../with-state-store.js';
import { auditExportView } from './view.js';
import type { AuditExportView } from './view.js';

export interface ExportOptions {
  since?: string;
  until?: string;
  export?: string;
  dataset?: string;
  event?: string;
  format?: 'jsonl' | 'table';
}

export async function exportAudit(ctx: CommandContext, options: ExportOptions): Promise<void> {
  const filter = auditFilter(options, ctx.io.clock.now());
  const view = auditExportView(ctx, ctx.io.stdout, options.format ?? 'jsonl');
  // A selection is exported one environment after another, each line naming its environment.
  const environments = (await ctx.selection()) ?? [undefined];
  for (const environment of environments) {
    const environmentCtx = environment === undefined ? ctx : ctx.forEnvironment(environment, ctx.io);
    await withStateStore(environmentCtx, (store) => exportFrom(store, filter, view));
  }
}

async function exportFrom(store: StateStore, filter: AuditFilter, view: AuditExportView): Promise<void> {
  const since = filter.since === undefined ? undefined : new Date(filter.since);
  // As stored, at the pace stdout takes them: a database by COPY (its time index for --since), a file as bytes.
  if (view.format === 'jsonl' && filtersNothing(filter)) {
    if (exportsEvents(store)) await store.exportEvents(undefined, (bytes) => view.lines(bytes));
    else if (chainsAudit(store)) await store.streamAuditLog((bytes) => view.lines(bytes));
    return;
  }
  const matches = auditMatcher(filter);
  const lines = new LineChunks();
  const filtered = async (bytes: Buffer) => {
    // The chunk's lines are filtered first, then written, at the pace stdout takes them.
    const kept: [string, AuditEvent][] = [];
    lines.push(bytes, (chunk, start, end) => {
      if (end === start) return;
      const line = chunk.toString('utf8', start, end);
      let event: AuditEvent;
      try {
        event = JSON.parse(line) as AuditEvent;
      } catch {
        view.notEvent();
        return;
      }
      if (event !== null && typeof event === 'object' && matches(event)) kept.push([line, event]);
    });
    for (const [line, event] of kept) await view.matched(line, event);
  };
  if (exportsEvents(store)) await store.exportEvents(since, filtered);
  else if (chainsAudit(store)) await store.streamAuditLog(filtered);
  view.done(store.eventsLocation);
}

function auditFilter(options: ExportOptions, now: number): AuditFilter {
  const list = (text: string | undefined) =>
    text
      ?.split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
  const events = list(options.event);
  const unknown = events?.filter((name) => !(name in AUDIT_EVENTS));
  if (unknown !== undefined && unknown.length > 0)
    throw new UsageError(`--event names no such event: ${unknown.join(', ')}`, {
      hint: `Events: ${Object.keys(AUDIT_EVENTS).join(', ')}.`,
    });
  const since =
    options.since === undefined
      ? undefined
      : /^\d{4}-/.test(options.since)
        ? Date.parse(parseInstant(options.since, '--since'))
        : sinceMoment(options.since, now)!.getTime();
  const until = options.until === undefined ? undefined : Date.parse(parseInstant(options.until, '--until'));
  const exports = list(options.export);
  const datasets = list(options.dataset);
  return {
    ...(exports === undefined ? {} : { exports }),
    ...(datasets === undefined ? {} : { datasets }),
    ...(events === undefined ? {} : { events: events as AuditEventName[] }),
    ...(since === undefined ? {} : { since }),
    ...(until === undefined ? {} : { until }),
  };
}
