// Issue 35's figures, the pg backend through PgBouncer (transaction pooling) beside the same database reached
// directly, in the same run: an apply of 500 exports with no rate limit (so the state's writes are what it
// waits for), the lock taken and released, and the statements the lease's heartbeat adds.

import { startPgBouncer } from '../support/pgbouncer-process.mjs';
import { oneRun } from './apply.bench.mjs';
import { fmt, median, verdict } from './measure.mjs';
import { withBenchDatabase } from './pg-database.mjs';

const LOCK_ROUNDS = 100;
const LEASE_MS = 600;
const HELD_MS = 6_000;

export async function benchPg({ cli, dist, runs }) {
  const pooler = await startPgBouncer('transaction', { host: '127.0.0.1', port: 5432 });
  try {
    return await withBenchDatabase(async (direct) => {
      const pooled = pooler.url(new URL(direct).pathname.slice(1));
      const { PgStore } = await import(`${dist}/state/pg/pg-store.js`);
      const { lockInfo } = await import(`${dist}/state/lock-state.js`);
      const results = [await benchApplyThroughPooler(cli, direct, pooled, runs)];
      results.push(await benchLock(PgStore, lockInfo, direct, pooled));
      results.push(await benchHeartbeat(PgStore, lockInfo, pooled));
      return results.every(Boolean);
    });
  } finally {
    pooler.stop();
  }
}

/** Apply of 500 exports, no rate limit, alternately direct and through the pooler, each in a fresh schema. */
async function benchApplyThroughPooler(cli, direct, pooled, runs) {
  const rounds = Math.max(1, Math.min(runs, 3));
  console.log(`pg: apply of 500 exports with no rate limit, directly and through PgBouncer, ${rounds} runs each`);
  const walls = { direct: [], pooled: [] };
  let duplicates = 0;
  for (let round = 0; round < rounds; round++)
    for (const [way, url] of [
      ['direct', direct],
      ['pooled', pooled],
    ]) {
      const schema = `bench_${way}_${round}`;
      const outcome = await oneRun(cli, 0, round, url, { tenantRps: null, spacingMs: 0 }, schema);
      walls[way].push(outcome.wallMs);
      duplicates += outcome.duplicates + outcome.missing;
    }
  const ratio = median(walls.pooled) / median(walls.direct);
  console.log(
    `  directly ${fmt(median(walls.direct) / 1000, 2)} s, through PgBouncer ${fmt(median(walls.pooled) / 1000, 2)} s (medians)`,
  );
  return verdict(
    'apply through PgBouncer / directly',
    `${fmt(ratio, 2)}x`,
    '<= 1.1x, no duplicates',
    ratio <= 1.1 && duplicates === 0,
  );
}

/** The lock taken and released, one after the other, on each way in. */
async function benchLock(PgStore, lockInfo, direct, pooled) {
  const figures = {};
  for (const [way, url] of [
    ['direct', direct],
    ['pooled', pooled],
  ]) {
    const store = open(PgStore, url, 'bench_lock', { statementTimeoutMs: 30_000 });
    try {
      await store.setUp();
      const times = [];
      for (let i = 0; i < LOCK_ROUNDS; i++) {
        const info = lockInfo('bench', Date.now());
        const started = process.hrtime.bigint();
        const attempt = await store.tryLock(info);
        await store.unlock(info.id);
        times.push(Number(process.hrtime.bigint() - started) / 1e6);
        if (!attempt.acquired) throw new Error('the bench could not take its own lock');
      }
      figures[way] = median(times);
    } finally {
      await store.close();
    }
  }
  console.log(
    `pg: lock take and release, ${LOCK_ROUNDS} times: median ${fmt(figures.direct, 2)} ms directly, ${fmt(figures.pooled, 2)} ms through PgBouncer`,
  );
  return verdict(
    'lock take + release median',
    `${fmt(Math.max(figures.direct, figures.pooled), 2)} ms`,
    '< 20 ms',
    Math.max(figures.direct, figures.pooled) < 20,
  );
}

/** A lock held for ten leases with nothing else to do: the statements its renewals send, per lease third. */
async function benchHeartbeat(PgStore, lockInfo, pooled) {
  const pg = (await import('pg')).default;
  const store = open(PgStore, pooled, 'bench_heartbeat', { lockLeaseMs: LEASE_MS });
  let renewals = 0;
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (config, ...rest) {
    const text = typeof config === 'string' ? config : config?.text;
    if (typeof text === 'string' && /^UPDATE .*\.locks SET expires_at/.test(text)) renewals++;
    return query.call(this, config, ...rest);
  };
  try {
    await store.setUp();
    const info = lockInfo('bench', Date.now());
    await store.tryLock(info);
    await new Promise((resolve) => setTimeout(resolve, HELD_MS));
    await store.unlock(info.id);
  } finally {
    pg.Client.prototype.query = query;
    await store.close();
  }
  const thirds = HELD_MS / (LEASE_MS / 3);
  const perThird = renewals / thirds;
  console.log(
    `pg: a lock held ${fmt(HELD_MS / 1000)} s with a ${LEASE_MS} ms lease: ${renewals} renewal statements, ${fmt(perThird, 2)} per lease third`,
  );
  return verdict('heartbeat statements per lease third', fmt(perThird, 2), '<= 1', perThird <= 1);
}

function open(PgStore, url, schema, options) {
  return new PgStore({
    connection: { config: { connectionString: url }, where: 'bench' },
    schema,
    stateName: 'default',
    skipSchemaCreation: false,
    ...options,
  });
}
