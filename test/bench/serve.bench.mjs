// Issue 6's figures (issue 16 raised the bar to 0.5x): 10,000 signed callbacks for 10,000 executions known to state, sent from a second process
// at concurrency 64, to `cxone-exports serve` and, in the same run, to a bare node:http server.

import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmt, median, verdict } from './measure.mjs';
import { withBenchDatabase } from './pg-database.mjs';

const CALLBACKS = 10_000;
const CONCURRENCY = 64;
const SECRET = 'whsec-bench';
const RSS_HOOK = new URL('./report-rss.mjs', import.meta.url).pathname;
const LOAD = new URL('./callback-load.mjs', import.meta.url).pathname;

export async function benchServe({ cli, dist, runs }) {
  const local = await benchServeOn('local', { cli, dist, runs });
  const pg = await withBenchDatabase((url) => benchServeOn('pg', { cli, dist, runs, pgUrl: url }));
  return local && pg;
}

/** The figures with the state in the local files, or (with `pgUrl`) in PostgreSQL. */
async function benchServeOn(backend, { cli, dist, runs, pgUrl }) {
  const rounds = Math.max(1, Math.min(runs, 5));
  console.log(
    `serve${backend === 'pg' ? ' with the state in PostgreSQL' : ''}: ${CALLBACKS} signed callbacks at concurrency ${CONCURRENCY}, ${rounds} runs each`,
  );
  const bare = [];
  const ours = [];
  for (let round = 0; round < rounds; round++) {
    const outcome = await serveRound({ cli, dist, backend, pgUrl, schema: `serve_${round}`, withBare: true });
    bare.push(outcome.bare);
    ours.push(outcome.ours);
  }
  const rate = (r) => r.ok / (r.wallMs / 1000);
  // Each round's two runs are next to each other in time: their ratio is spared the machine's slower spells.
  const ratio = median(ours.map((r, i) => rate(r) / rate(bare[i])));
  const writes = median(ours.map((r) => r.writes));
  const durable = Math.min(...ours.map((r) => r.durable));
  const acknowledged = Math.min(...ours.map((r) => r.ok));
  console.log(
    `  bare node:http server   median ${fmt(median(bare.map(rate)), 0)} events/s  p50 ${fmt(median(bare.map((r) => r.p50Ms)), 1)} ms  p99 ${fmt(median(bare.map((r) => r.p99Ms)), 1)} ms`,
  );
  console.log(
    `  cxone-exports serve     median ${fmt(median(ours.map(rate)), 0)} events/s  p50 ${fmt(median(ours.map((r) => r.p50Ms)), 1)} ms  p99 ${fmt(median(ours.map((r) => r.p99Ms)), 1)} ms  peak RSS ${fmt(Math.max(...ours.map((r) => r.rssMb)))} MB`,
  );
  console.log(
    `  state writes (group commits) for ${CALLBACKS} events: median ${writes}; acknowledged ${acknowledged}, durable in state ${durable}`,
  );
  return [
    verdict(
      `serve (${backend}) / bare throughput`,
      `${fmt(ratio, 2)}x`,
      '>= 0.5x, every acknowledged event durable',
      ratio >= 0.5 && durable >= acknowledged && acknowledged === CALLBACKS,
    ),
    verdict(`state writes (${backend})`, String(writes), `far fewer than ${CALLBACKS}`, writes < CALLBACKS / 10),
  ].every(Boolean);
}

/**
 * One round: a state of CALLBACKS queued executions, the signed callbacks sent to `serve` (and, with `withBare`,
 * to a bare server first); `extraEnv` is what serve runs with. Returns each run's figures.
 */
export async function serveRound({ cli, dist, backend, pgUrl, schema, withBare = false, extraEnv = {} }) {
  const { LocalFileStore } = await import(`${dist}/state/local/local-file-store.js`);
  const { PgStore } = await import(`${dist}/state/pg/pg-store.js`);
  const { signCallback } = await import(`${dist}/contract/callback-signature.js`);
  const root = mkdtempSync(join(tmpdir(), 'cxone-bench-serve-'));
  const openStore = () =>
    backend === 'pg'
      ? new PgStore({
          connection: { config: { connectionString: pgUrl }, where: 'bench' },
          schema,
          stateName: 'default',
          skipSchemaCreation: false,
        })
      : new LocalFileStore({ stateDir: join(root, '.cxone-exports') });
  if (backend === 'pg')
    writeFileSync(join(root, 'cxone-exports.config.yaml'), `backend:\n  type: pg\n  schema: ${schema}\n`);
  try {
    const store = openStore();
    const hash = `sha256:${'a'.repeat(64)}`;
    const exports = {};
    for (let i = 0; i < CALLBACKS; i++) {
      exports[`export-${i}`] = {
        definitionHash: hash,
        spec: {
          dataActionId: `da-${i % 100}`,
          datasetId: `ds-${i}`,
          format: {
            delimiter: ',',
            quoteCharacter: '"',
            escapeCharacter: '"',
            maxRows: 100000,
            columnAlignment: true,
            sanitizeSpecialCharacters: true,
          },
        },
        metadata: { name: `export-${i}` },
        source: { file: 'exports/x.yaml', line: 1 },
        pending: null,
        lastExecution: {
          executionId: `exe-${i}`,
          status: 'queued',
          idempotencyKey: `key-${i}`,
          definitionHash: hash,
          submittedAt: '2026-11-27T10:00:00.000Z',
          completedAt: null,
          rowsExported: null,
          latencyMs: null,
          error: null,
        },
      };
    }
    const { state: empty } = await store.read();
    await store.commit({ lineage: empty.lineage, set: exports, remove: [], events: [] }, 0);
    await store.close?.();
    const now = Math.floor(Date.now() / 1000);
    const requests = Array.from({ length: CALLBACKS }, (_, i) => {
      const body = JSON.stringify({
        executionId: `exe-${i}`,
        status: i % 20 === 0 ? 'failed' : 'completed',
        rowsExported: 1000 + i,
        startTime: '2026-11-27T10:00:00Z',
        endTime: '2026-11-27T10:01:00Z',
      });
      return {
        body,
        headers: {
          'Content-Type': 'application/json',
          'X-CXone-Timestamp': String(now),
          'X-CXone-Signature': signCallback(SECRET, now, body),
        },
      };
    });
    const requestsFile = join(root, 'requests.json');
    writeFileSync(requestsFile, JSON.stringify(requests));

    const bare = withBare ? await againstBare(requestsFile) : undefined;
    const ours = await againstServe(cli, root, requestsFile, {
      ...(pgUrl === undefined ? {} : { CXONE_EXPORTS_PG_URL: pgUrl }),
      ...extraEnv,
    });
    const after = openStore();
    const state = (await after.read()).state;
    await after.close?.();
    ours.durable = Object.values(state.exports).filter((e) => e.lastExecution.status !== 'queued').length;
    return { bare, ours };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** A port nothing listens on now, from the kernel, so serve never meets a port in use. */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

async function againstBare(requestsFile) {
  const server = spawn(process.execPath, [new URL('./bare-server.mjs', import.meta.url).pathname], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const [line] = await firstLine(server.stdout);
    return await load(`http://127.0.0.1:${line.trim()}/webhook/cxone-callback`, requestsFile);
  } finally {
    server.kill('SIGTERM');
  }
}

async function againstServe(cli, root, requestsFile, extraEnv) {
  const rssFile = join(root, 'serve.rss');
  const port = await freePort();
  const serve = spawn(
    process.execPath,
    [
      ...(process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] : []),
      '--import',
      RSS_HOOK,
      cli,
      'serve',
      '--port',
      String(port),
    ],
    {
      cwd: root,
      env: { ...process.env, ...extraEnv, CXONE_CALLBACK_SECRET: SECRET, BENCH_RSS_FILE: rssFile },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  serve.stderr.on('data', (chunk) => (stderr += chunk.toString()));
  for (
    let i = 0;
    i < 100 &&
    !(await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (r) => r.ok,
      () => false,
    ));
    i++
  )
    await new Promise((resolve) => setTimeout(resolve, 100));
  if (serve.exitCode !== null) throw new Error(`serve exited ${serve.exitCode} before it answered:\n${stderr}`);
  const result = await load(`http://127.0.0.1:${port}/webhook/cxone-callback`, requestsFile);
  serve.kill('SIGTERM');
  // Waited for only while it runs: a serve that already stopped sends no second 'exit'.
  if (serve.exitCode === null && serve.signalCode === null) await new Promise((resolve) => serve.on('exit', resolve));
  const writes = Number(/Stopped\. (\d+) state writes/.exec(stderr)?.[1] ?? NaN);
  return { ...result, writes, rssMb: Number(readFileSync(rssFile, 'utf8')) / 1024 };
}

function load(url, requestsFile) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [LOAD, url, requestsFile, String(CONCURRENCY)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk.toString()));
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`load generator exited ${code}`)),
    );
  });
}

async function firstLine(stream) {
  let text = '';
  for await (const chunk of stream) {
    text += chunk.toString();
    if (text.includes('\n')) return [text.split('\n')[0]];
  }
  throw new Error('no output');
}
