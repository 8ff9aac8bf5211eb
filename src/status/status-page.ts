// The status page `serve` answers at `/` and `/exports/NAME`: every export, its last execution and its freshness,
// and one export's recent executions, as HTML a person reads on any screen. Pure: the status report (the same one
// `status --json` prints) and the audit's executions in, the page out. Server-rendered; a small served script
// refreshes it. Status is said in words, never by colour alone.

import type { StatusReport, ExportStatusRow } from './status-report.js';

/** Everything from a file or from CXone, escaped for HTML text and attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The pages' one script, served by `serve` itself: it reloads the page after the seconds the page names. A meta
 * refresh would do the same without script, but reloads under a reader's feet, which accessibility rules forbid;
 * without script the page is complete, and a reload shows what is new.
 */
export const STATUS_JS = `'use strict';
(function () {
  var meta = document.querySelector('meta[name="cxone-exports-refresh"]');
  var seconds = meta === null ? 0 : Number(meta.getAttribute('content'));
  if (seconds > 0) setTimeout(function () { location.reload(); }, seconds * 1000);
})();
`;

/** The stylesheet the pages link to: served by `serve` itself, so the policy allows no other origin. */
export const STATUS_CSS = `body{font-family:system-ui,sans-serif;margin:1rem;line-height:1.4;color:#1a1a1a;background:#fff}
h1{font-size:1.4rem}h2{font-size:1.1rem}table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #ccc;vertical-align:top}
th{background:#f2f2f2}.num,.list td:nth-child(4),.list td:nth-child(5){text-align:right}
.bad{color:#a40000;font-weight:600}th small{display:block;font-weight:400}
.note{color:#555}a{color:#0645ad}@media (max-width:40rem){td,th{display:block;border:0}tr{border-bottom:1px solid #ccc;display:block}thead{display:none}}`;

function page(title: string, refreshSeconds: number, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="cxone-exports-refresh" content="${refreshSeconds}">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="/status.css">
<script src="/status.js" defer></script>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

/** An instant to the minute, in UTC (the column headings say so): the list holds thousands, so plain text. */
function when(iso: string | null): string {
  if (iso === null) return '–';
  const match = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d)/.exec(iso);
  return match === null ? escapeHtml(iso) : `${match[1]!} ${match[2]!}`;
}

function latency(ms: number | null): string {
  if (ms === null) return '–';
  return ms < 1000 ? `${ms} ms` : ms < 120_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 60_000)} min`;
}

/** The row's state in words (and a class that colours it; the words say it alone). */
function stateOf(row: ExportStatusRow): { text: string; bad: boolean } {
  if (row.schedule?.suspended === true) return { text: 'suspended', bad: false };
  if (row.schedule?.stale === true) return { text: `stale (${row.status ?? 'never run'})`, bad: true };
  if (row.status === null) return { text: 'never run', bad: false };
  return { text: row.status, bad: ['failed', 'submit-failed', 'lost', 'cancelled'].includes(row.status) };
}

/** The list: every export of the environment, its last execution and freshness, and the window's counts. */
export function statusListPage(
  report: StatusReport,
  options: {
    refreshSeconds: number;
    exportHref: (name: string) => string;
    /** Each export's `metadata.labels`, shown under its name. */
    labels?: (name: string) => Readonly<Record<string, string>> | undefined;
  },
): string {
  const rows = report.exports
    .map((row) => {
      const state = stateOf(row);
      const schedule =
        row.schedule === undefined
          ? '–'
          : `${escapeHtml(row.schedule.cron)} ${escapeHtml(row.schedule.timeZone)}, next ${when(row.schedule.nextTick)} UTC`;
      // A thousand rows stay small: no class but the one that marks a problem (which the words say too).
      const labels = Object.entries(options.labels?.(row.name) ?? {})
        .map(([key, value]) => `${escapeHtml(key)}=${escapeHtml(value)}`)
        .join(' ');
      // A header cell first in a body row heads its row: no scope needed, a thousand times over.
      return `<tr><th><a href="${escapeHtml(options.exportHref(row.name))}">${escapeHtml(row.name)}</a>${labels === '' ? '' : `<small>${labels}</small>`}</th><td${state.bad ? ' class="bad"' : ''}>${escapeHtml(state.text)}</td><td>${when(row.completedAt ?? row.submittedAt)}</td><td>${row.rowsExported ?? '–'}</td><td>${latency(row.latencyMs)}</td><td>${schedule}</td></tr>`;
    })
    .join('\n');
  const counts = Object.entries(report.overall.byStatus)
    .map(([status, count]) => `${escapeHtml(status)}: ${count}`)
    .join(', ');
  const rate = report.overall.completionRate === null ? 'n/a' : `${(report.overall.completionRate * 100).toFixed(1)}%`;
  return page(
    `cxone-exports: ${report.environment}`,
    options.refreshSeconds,
    `<h1>Exports of ${escapeHtml(report.environment)}</h1>
<p class="note">${report.exports.length} exports. Finished executions${report.window.since === null ? '' : ` since ${when(report.window.since)}`}: ${report.overall.finished} (${counts || 'none'}); completion rate ${rate}. The page refreshes every ${options.refreshSeconds} s.</p>
<table class="list">
<caption>Last execution of each export</caption>
<thead><tr><th scope="col">Export</th><th scope="col">Status</th><th scope="col">Ended, or submitted (UTC)</th><th scope="col">Rows</th><th scope="col">Latency</th><th scope="col">Schedule</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`,
  );
}

/** An execution of one export that ended, as its page lists it (from the audit). */
export interface EndedExecutionRow {
  executionId: string | null;
  status: string;
  timestamp: string;
  rowsExported: number | null;
  latencyMs: number | null;
  error: string | null;
}

/** One export: its definition hash, its schedule, and its last executions from the audit, newest first. */
export function exportPage(
  report: StatusReport,
  name: string,
  detail: {
    definitionHash: string;
    executions: readonly EndedExecutionRow[];
    refreshSeconds: number;
    listHref: string;
  },
): string {
  const row = report.exports.find((each) => each.name === name)!;
  const state = stateOf(row);
  const executions = [...detail.executions]
    .reverse()
    .map(
      (end) =>
        `<tr><th scope="row">${escapeHtml(end.executionId ?? '–')}</th><td class="${['failed', 'lost', 'cancelled'].includes(end.status) ? 'bad' : 'ok'}">${escapeHtml(end.status)}</td><td>${when(end.timestamp)}</td><td class="num">${end.rowsExported ?? '–'}</td><td class="num">${latency(end.latencyMs)}</td><td>${escapeHtml(end.error ?? '')}</td></tr>`,
    )
    .join('\n');
  return page(
    `cxone-exports: ${name} in ${report.environment}`,
    detail.refreshSeconds,
    `<p><a href="${escapeHtml(detail.listHref)}">All exports of ${escapeHtml(report.environment)}</a></p>
<h1>${escapeHtml(name)}</h1>
<dl>
<dt>Status</dt><dd class="${state.bad ? 'bad' : 'ok'}">${escapeHtml(state.text)}</dd>
<dt>Last execution</dt><dd>${escapeHtml(row.executionId ?? 'none yet')}</dd>
<dt>Definition</dt><dd><code>${escapeHtml(detail.definitionHash)}</code></dd>
<dt>Schedule</dt><dd>${row.schedule === undefined ? 'not scheduled' : `${escapeHtml(row.schedule.cron)} (${escapeHtml(row.schedule.timeZone)}); next ${when(row.schedule.nextTick)} UTC; last completed ${when(row.schedule.lastCompleted?.completedAt ?? null)} UTC`}</dd>
</dl>
<h2>Last executions</h2>
<table>
<caption>The last ${detail.executions.length} executions that ended, newest first</caption>
<thead><tr><th scope="col">Execution</th><th scope="col">Status</th><th scope="col">Ended (UTC)</th><th scope="col" class="num">Rows</th><th scope="col" class="num">Latency</th><th scope="col">Error</th></tr></thead>
<tbody>
${executions || '<tr><td colspan="6">None has ended yet.</td></tr>'}
</tbody>
</table>`,
  );
}
