// Run inside a network namespace of the test's own (unshare --net), whose loopback interface also holds
// 192.0.2.1: starts `cxone-exports sim --host 0.0.0.0`, then calls a control route from a loopback peer and
// from 192.0.2.1, a peer beyond loopback, with and without the control token it printed. Prints what it saw as
// one JSON line. No traffic leaves the namespace.

import { spawn } from 'node:child_process';

const [cli] = process.argv.slice(2);
const sim = spawn(process.execPath, [cli, 'sim', '--host', '0.0.0.0', '--port', '0'], {
  env: { PATH: process.env.PATH },
  stdio: ['ignore', 'pipe', 'pipe'],
});
let stdout = '';
let stderr = '';
sim.stdout.on('data', (chunk) => (stdout += chunk));
sim.stderr.on('data', (chunk) => (stderr += chunk));
await new Promise((resolve, reject) => {
  const check = setInterval(() => {
    if (/SIM_CONTROL_TOKEN=\S+/.test(stdout) && /Warning/.test(stderr)) {
      clearInterval(check);
      resolve();
    }
  }, 20);
  sim.on('exit', (code) => reject(new Error(`sim exited ${code}: ${stderr}`)));
});
const port = /CXONE_API_URL=http:\/\/[^:]+:(\d+)/.exec(stdout)[1];
const token = /SIM_CONTROL_TOKEN=(\S+)/.exec(stdout)[1];
const reset = async (host, headers = {}) =>
  (await fetch(`http://${host}:${port}/_sim/reset`, { method: 'POST', headers })).status;
const result = {
  stdout,
  stderr,
  loopback: await reset('127.0.0.1'),
  beyond: await reset('192.0.2.1'),
  beyondWithToken: await reset('192.0.2.1', { Authorization: `Bearer ${token}` }),
  beyondWithWrongToken: await reset('192.0.2.1', { Authorization: 'Bearer guessed' }),
};
sim.kill('SIGINT');
process.stdout.write(`${JSON.stringify(result)}\n`);
