// Issue 23's figure: `audit export` of 600,000 events on the pg backend against `psql \copy` of the same rows,
// interleaved, medians; and `--since 1h`, which must read only the hour it returns.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { fmt, median, verdict } from './measure.mjs';
import { withBenchDatabase } from './pg-database.mjs';

const EVENTS = Number(process.env.BENCH_AUDIT_EVENTS ?? 600_000);
const SCHEMA = 'bench_audit';

function timed(command, args, env) {
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

export async function benchAuditExport({ cli, runs }) {
  console.log(`audit export: ${EVENTS} events on the pg backend, ${runs} runs each, interleaved`);
  return withBenchDatabase(async (url) => {
    const dir = mkdtempSync(join(tmpdir(), 'cxone-bench-export-'));
    try {
      writeFileSync(join(dir, 'cxone-exports.config.yaml'), `backend:\n  type: pg\n  schema: ${SCHEMA}\n`);
      const env = { ...process.env, CXONE_EXPORTS_PG_URL: url, NO_COLOR: '1' };
      timed(process.execPath, [cli, '-C', dir, 'backend', 'init'], env);
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      // One event a second up to now: the last hour holds 3,600 of them.
      await client.query(
        `INSERT INTO ${SCHEMA}.states (name, lineage, serial, format_version) VALUES ('default', 'bench', 0, 1)`,
      );
      await client.query(
        `INSERT INTO ${SCHEMA}.events (state, kind, event)
           SELECT 'default', 'execution.completed', json_build_object(
             'timestamp', to_char((now() at time zone 'UTC') - (${EVENTS} - i) * interval '1 second', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
             'event', 'execution.completed', 'export', 'export-' || (i % 1000), 'executionId', 'exe-' || i,
             'status', 'completed', 'rowsExported', 1000, 'latencyMs', 5000, 'formatValidated', true,
             'sanitizationApplied', false, 'reason', 'callback', 'environment', 'default', 'actor', 'bench',
             'runId', 'run-1', 'toolVersion', '0.1.0')
             FROM generate_series(1, ${EVENTS}) AS i`,
      );
      await client.query(`ANALYZE ${SCHEMA}.events`);
      await client.end();
      const copy = `\\copy (SELECT event FROM ${SCHEMA}.events WHERE state = 'default' ORDER BY id) TO STDOUT`;
      const times = { psql: [], exportAll: [], since: [] };
      for (let i = 0; i < runs; i++) {
        times.psql.push(timed('psql', [url, '-Atq', '-c', copy], env));
        times.exportAll.push(timed(process.execPath, [cli, '-C', dir, 'audit', 'export'], env));
        times.since.push(timed(process.execPath, [cli, '-C', dir, 'audit', 'export', '--since', '1h'], env));
      }
      const [psql, all, since] = [median(times.psql), median(times.exportAll), median(times.since)];
      console.log(`  psql \\copy               median ${fmt(psql)} ms`);
      console.log(`  cxone-exports audit export median ${fmt(all)} ms`);
      console.log(`  audit export --since 1h  median ${fmt(since)} ms (3,600 events)`);
      const ratio = all / psql;
      const ok = verdict('audit export / psql \\copy', `${fmt(ratio, 2)}x`, '<= 2x', ratio <= 2);
      const sinceOk = verdict(
        '--since 1h / all',
        `${fmt(since / all, 2)}x`,
        '< 0.5x (reads only the hour)',
        since / all < 0.5,
      );
      return ok && sinceOk;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
