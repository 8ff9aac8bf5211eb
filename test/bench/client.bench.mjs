// Issue 3's figures: 2,000 submissions from one process at concurrency 16 to the simulator (no rate limit),
// through the real client and through a bare http.request loop sending the same requests, in the same run.

import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { fmt, median, simEnvironment } from './measure.mjs';

const SUBMISSIONS = 2000;
const CONCURRENCY = 16;

export async function benchClient({ cli, dist, runs }) {
  const sim = spawn(process.execPath, [cli, 'sim', '--port', '0', '--min-duration', '600000'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const env = await simEnvironment(sim);
    const { createCxoneClient } = await import(`${dist}/cxone/create-client.js`);
    const { parseConfig } = await import(`${dist}/config/parse-config.js`);
    const { buildExecutionPayload } = await import(`${dist}/contract/execution-payload.js`);
    const parsed = parseConfig(
      {
        configFile: null,
        displayFile: '-',
        rootDir: process.cwd(),
        value: {},
        locate: () => ({ file: '-', line: 1, column: 1 }),
      },
      env,
    );
    const payloads = Array.from({ length: SUBMISSIONS }, (_, i) =>
      buildExecutionPayload({
        dataActionId: `da-${i % 50}`,
        datasetId: `ds-${i}`,
        format: { delimiter: ',', quoteCharacter: '"', escapeCharacter: '"', maxRows: 1000 + i, columnAlignment: true },
      }),
    );
    const token = await fetchToken(env);

    console.log(`client: ${SUBMISSIONS} submissions at concurrency ${CONCURRENCY}, ${runs} rounds each`);
    // Both sides keep their connections and token across rounds; one uncounted warm-up round each lets the
    // JIT settle, so the figures compare steady-state throughput.
    const client = createCxoneClient(parsed.config, { env });
    const viaBare = (payload) => bareSubmit(env.CXONE_API_URL, token, payload);
    const viaClient = (payload) => client.executions.submit(payload, { idempotencyKey: randomUUID() });
    await measure(payloads, viaBare);
    await measure(payloads, viaClient);
    const bare = [];
    const ours = [];
    for (let round = 0; round < runs; round++) {
      bare.push(await measure(payloads, viaBare));
      ours.push(await measure(payloads, viaClient));
    }
    const rate = (r) => SUBMISSIONS / (r.wallMs / 1000);
    const bareRate = median(bare.map(rate));
    const ourRate = median(ours.map(rate));
    const ratio = ourRate / bareRate;
    console.log(
      `  bare http.request loop   median ${fmt(bareRate, 0)} submissions/s  client CPU ${fmt(median(bare.map((r) => r.cpuMs)), 0)} ms`,
    );
    console.log(
      `  cxone-exports client     median ${fmt(ourRate, 0)} submissions/s  client CPU ${fmt(median(ours.map((r) => r.cpuMs)), 0)} ms`,
    );
    // No longer a target: submissions are bound by CXone's rate limit, which the apply benchmark measures. Still
    // printed, so a regression shows.
    console.log(`  INFO  client / bare throughput: ${fmt(ratio, 2)}x (was a target of >= 0.7x; retired)`);
    return true;
  } finally {
    sim.kill('SIGINT');
  }
}

async function measure(payloads, submit) {
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < payloads.length) await submit(payloads[next++]);
    }),
  );
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}

const agent = new Agent({ keepAlive: true });

function bareSubmit(apiUrl, token, payload) {
  const body = JSON.stringify(payload);
  const url = new URL(`/api/v2/dataprep/dataactions/${encodeURIComponent(payload.dataActionId)}/executions`, apiUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          Authorization: `Bearer ${token}`,
          'Content-Type': 'application/json',
          Accept: 'application/json',
          'Idempotency-Key': randomUUID(),
          'Content-Length': Buffer.byteLength(body),
        },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () =>
          res.statusCode === 201
            ? resolve(JSON.parse(Buffer.concat(chunks).toString()))
            : reject(new Error(`status ${res.statusCode}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function fetchToken(env) {
  const response = await fetch(`${env.CXONE_AUTH_URL}/oauth/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      grant_type: 'client_credentials',
      client_id: env.CXONE_CLIENT_ID,
      client_secret: env.CXONE_CLIENT_SECRET,
    }),
  });
  return (await response.json()).access_token;
}
