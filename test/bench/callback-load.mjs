// Load generator for the serve benchmark, run as its own process: sends the signed callbacks given in a file
// at a fixed concurrency over kept-alive connections, and prints {ok, failed, wallMs, p50Ms, p99Ms}.
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';

const [url, file, concurrencyText] = process.argv.slice(2);
const requests = JSON.parse(readFileSync(file, 'utf8'));
const concurrency = Number(concurrencyText);
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
const target = new URL(url);
const latencies = [];
let ok = 0;
let failed = 0;
let next = 0;

function send({ body, headers }) {
  return new Promise((resolve) => {
    const started = performance.now();
    const req = request(
      target,
      { method: 'POST', agent, headers: { ...headers, 'Content-Length': Buffer.byteLength(body) } },
      (res) => {
        res.resume();
        res.on('end', () => {
          latencies.push(performance.now() - started);
          if (res.statusCode === 200) ok++;
          else failed++;
          resolve();
        });
      },
    );
    req.on('error', () => {
      failed++;
      resolve();
    });
    req.end(body);
  });
}

const started = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < requests.length) await send(requests[next++]);
  }),
);
const wallMs = performance.now() - started;
latencies.sort((a, b) => a - b);
const at = (p) => latencies[Math.min(latencies.length - 1, Math.ceil(p * latencies.length) - 1)];
process.stdout.write(JSON.stringify({ ok, failed, wallMs, p50Ms: at(0.5), p99Ms: at(0.99) }));
agent.destroy();
