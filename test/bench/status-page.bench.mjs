// Issue 39's figure: the status page of 1,000 exports (each with two labels and a last execution, a quarter
// scheduled) rendered
// from its report, against rendering the same report as `status --json` does, in the same run; and the page's size.

import { fmt, median, verdict } from './measure.mjs';

export async function benchStatusPage({ dist, runs }) {
  const { statusListPage } = await import(`${dist}/status/status-page.js`);
  const exports = Array.from({ length: 1000 }, (_, i) => ({
    name: `export-${String(i).padStart(4, '0')}`,
    executionId: `exe_${i}`,
    status: i % 10 === 0 ? 'failed' : 'completed',
    submittedAt: '2026-12-06T06:00:00.000Z',
    completedAt: '2026-12-06T06:04:10.000Z',
    rowsExported: 1000 + i,
    latencyMs: 250_000,
    ...(i % 4 === 0
      ? {
          schedule: {
            cron: '0 6 * * *',
            timeZone: 'Europe/Berlin',
            coveredTick: '2026-12-06T05:00:00.000Z',
            nextTick: '2026-12-07T05:00:00.000Z',
            lastCompleted: { executionId: `exe_${i}`, completedAt: '2026-12-06T06:04:10.000Z' },
            suspended: false,
            stale: i % 8 === 0,
          },
        }
      : {}),
  }));
  const labels = (name) => ({ team: ['wfm', 'quality', 'finance'][name.length % 3], tier: 'gold' });
  const report = {
    environment: 'production',
    exports,
    window: { since: null, until: null },
    overall: {
      finished: 1000,
      completionRate: 0.9,
      latencyMs: { p50: 250000, p95: 250000, max: 250000 },
      byStatus: { completed: 900, failed: 100 },
      rowsExported: 1_500_000,
    },
  };
  const rounds = Math.max(20, runs * 4);
  const pageMs = [];
  const jsonMs = [];
  let html = '';
  for (let i = 0; i < rounds; i++) {
    let started = performance.now();
    html = statusListPage(report, {
      refreshSeconds: 60,
      exportHref: (name) => `/exports/${encodeURIComponent(name)}`,
      labels,
    });
    pageMs.push(performance.now() - started);
    started = performance.now();
    JSON.stringify(report, null, 2);
    jsonMs.push(performance.now() - started);
  }
  const bytes = Buffer.byteLength(html);
  console.log(`status page: 1,000 exports, ${rounds} renders`);
  console.log(`  page      median ${fmt(median(pageMs), 2)} ms, ${fmt(bytes / 1024)} KB`);
  console.log(
    `  --json    median ${fmt(median(jsonMs), 2)} ms (baseline), ratio ${fmt(median(pageMs) / median(jsonMs), 2)}`,
  );
  return [
    verdict('status page of 1,000 exports', `${fmt(median(pageMs), 2)} ms`, '< 100 ms', median(pageMs) < 100),
    verdict('its size', `${fmt(bytes / 1024)} KB`, '< 200 KB', bytes < 200 * 1024),
  ].every(Boolean);
}
