// Runs a server command and then HTTP requests against it, all inside a network namespace of the test's own
// (unshare --net, loopback up), so a server bound to 0.0.0.0 is reachable from nothing but this script. Reads a
// JSON spec from the file named by its argument: { command, cwd, env, ready, requests: [{ method, url,
// headers, body }] }. Stops the server with SIGTERM and prints one JSON line: the statuses, and the server's
// stderr and exit code.

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

const spec = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const [program, ...args] = spec.command;
const server = spawn(program, args, { cwd: spec.cwd, env: spec.env, stdio: ['ignore', 'ignore', 'pipe'] });
let stderr = '';
server.stderr.on('data', (chunk) => (stderr += chunk));
const exited = new Promise((resolve) => server.on('exit', (code) => resolve(code)));

let ready = false;
for (let i = 0; i < 200 && !ready && server.exitCode === null; i++) {
  ready = await fetch(spec.ready).then(
    () => true,
    () => false,
  );
  if (!ready) await new Promise((resolve) => setTimeout(resolve, 50));
}
const statuses = [];
if (ready)
  for (const { method = 'GET', url, headers = {}, body } of spec.requests) {
    const response = await fetch(url, { method, headers, body });
    await response.arrayBuffer();
    statuses.push(response.status);
  }
server.kill('SIGTERM');
const code = await exited;
process.stdout.write(`${JSON.stringify({ ready, statuses, stderr, code })}\n`);
