// `serve` as a separate process, the way operators run it, ready once /healthz answers.

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { onTestFinished } from 'vitest';
import { CLI } from './run-cli.js';

export const SERVE_SECRET = 'whsec-e2e';

export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Starts serve and waits until it answers /healthz (with any status: a failing receiver still answers). */
export async function startServe(
  dir: string,
  port: number,
  env: Record<string, string> = {},
  args: string[] = [],
): Promise<ChildProcess & { stderrText: () => string }> {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', String(port), ...args], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', CXONE_CALLBACK_SECRET: SERVE_SECRET, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // A receiver the test left running (it failed before stopping it) is killed when the test finishes.
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.resume();
  const exited = new Promise((resolve) => child.once('exit', resolve));
  for (let i = 0; i < 100; i++) {
    if (
      await fetch(`http://127.0.0.1:${port}/healthz`).then(
        () => true,
        () => false,
      )
    )
      return Object.assign(child, { stderrText: () => stderr });
    if (await Promise.race([exited.then(() => true), new Promise((resolve) => setTimeout(() => resolve(false), 100))]))
      break;
  }
  throw new Error(`serve did not start: ${stderr}`);
}
