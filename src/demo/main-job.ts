// `npm start`: the main job, end to end, on this machine only. The bundled exports/ are planned and applied
// against the embedded CXone simulator; the simulator posts signed completion callbacks to `serve`, which
// records them; `status` shows the result, and a second plan shows no changes. It works in a scratch copy, so
// the repository's own state is never touched.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import type { AuditEvent } from '../audit/audit-event.js';
import { colorLevel, createColors } from '../cli/color.js';
import { CxoneSimulator } from '../simulator/cxone-simulator.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const cli = fileURLToPath(new URL('../cli/main.js', import.meta.url));

// Colour only where it is wanted: a terminal, and no NO_COLOR (the same rule as the CLI's).
const colors = createColors(colorLevel({ colorFlag: true, env: process.env, isTTY: process.stdout.isTTY === true }));

function banner(text: string): void {
  process.stdout.write(`\n${colors.bold(`━━ ${text}`)}\n`);
}

/** Runs the CLI as a user would. Asynchronously: the simulator in this process must keep answering. */
async function run(args: string[], cwd: string, env: Record<string, string>): Promise<number> {
  process.stdout.write(`${colors.dim(`$ cxone-exports ${args.join(' ')}`)}\n`);
  const child = spawn(process.execPath, [cli, ...args], { cwd, env: { ...process.env, ...env }, stdio: 'inherit' });
  const [code] = (await once(child, 'exit')) as [number | null];
  return code ?? 1;
}

/** Runs each titled step; the first that fails stops the job with its exit code. */
async function runSteps(steps: [string, string[]][], cwd: string, env: Record<string, string>): Promise<number> {
  for (const [title, args] of steps) {
    banner(title);
    const code = await run(args, cwd, env);
    if (code !== 0) {
      process.stderr.write(`\nThe main job stopped: \`cxone-exports ${args.join(' ')}\` exited ${code}.\n`);
      return code;
    }
  }
  return 0;
}

async function main(): Promise<number> {
  const work = mkdtempSync(join(tmpdir(), 'cxone-exports-demo-'));
  cpSync(join(repo, 'exports'), join(work, 'exports'), { recursive: true });
  // The bundled config, with callbacks sent to the receiver this job starts on a free port.
  const port = await freePort();
  const config = parseDocument(readFileSync(join(repo, 'cxone-exports.config.yaml'), 'utf8'));
  config.setIn(['defaults', 'callbackUrl'], `http://127.0.0.1:${port}/webhook/cxone-callback`);
  writeFileSync(join(work, 'cxone-exports.config.yaml'), config.toString());
  // A demo secret: the simulator signs callbacks with it and the receiver checks them.
  const callbackSecret = `demo-${randomUUID()}`;
  const simulator = new CxoneSimulator({
    callbackSecret,
    lifecycle: { minDurationMs: 500, msPerMillionRows: 400, failureRate: 0 },
  });
  const url = await simulator.start();
  const { credentials } = simulator.options;
  const env = {
    CXONE_AUTH_URL: url,
    CXONE_API_URL: url,
    CXONE_CLIENT_ID: credentials.clientId,
    CXONE_CLIENT_SECRET: credentials.clientSecret,
    CXONE_CALLBACK_SECRET: callbackSecret,
  };
  banner(`cxone-exports main job: the bundled exports/ against the CXone simulator at ${url}`);
  process.stdout.write(`Working copy: ${work} (removed at the end; set CXONE_EXPORTS_DEMO_KEEP=1 to keep it)\n`);
  banner('0. The callback receiver, in the background');
  process.stdout.write(`${colors.dim(`$ cxone-exports serve --port ${port} &`)}\n`);
  const receiver = spawn(process.execPath, [cli, 'serve', '--port', String(port)], {
    cwd: work,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let callbacksLogged = 0;
  receiver.stdout.on(
    'data',
    (chunk: Buffer) =>
      (callbacksLogged += chunk
        .toString()
        .split('\n')
        .filter((line) => line.includes('"path":"/webhook/cxone-callback"') && line.includes('"status":200')).length),
  );
  await waitForHealth(port);
  try {
    const steps: [string, string[]][] = [
      ['1. Validate the definitions', ['validate']],
      ['2. Plan: what would run, saved for review', ['plan', '--out', 'cxone-exports.plan.json']],
      ['3. Apply exactly the saved plan', ['apply', 'cxone-exports.plan.json']],
    ];
    const after: [string, string[]][] = [
      ['5. Refresh: poll the status of what no callback could report', ['refresh']],
      ['6. Status: the last execution of each export, the completion rate and the latency', ['status']],
      ['7. Plan again: nothing left to do', ['plan', '--detailed-exitcode']],
    ];
    const stepsCode = await runSteps(steps, work, env);
    if (stepsCode !== 0) return stepsCode;
    banner('4. Completion callbacks: CXone posts, serve checks the signature and records each one');
    const deadline = Date.now() + 60_000;
    const settled = (e: ReturnType<CxoneSimulator['record']>['executions'][number]) =>
      e.callback !== undefined &&
      (e.callback.status !== undefined ||
        e.callback.skipped !== undefined ||
        (e.callback.error !== undefined && e.callback.attempts >= 3));
    while (!simulator.record().executions.every(settled) && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 200));
    for (const execution of simulator.record().executions) {
      const delivery = execution.callback;
      const outcome =
        delivery?.status !== undefined
          ? `HTTP ${delivery.status}`
          : delivery?.skipped !== undefined
            ? `not sent: ${delivery.url} is ${delivery.skipped} (the simulator only calls this machine)`
            : `not delivered (${delivery?.error ?? 'pending'})`;
      process.stdout.write(
        `${execution.executionId} ${execution.status}, ${execution.rowsExported ?? 0} rows: ${outcome}\n`,
      );
    }
    const afterCode = await runSteps(after, work, env);
    if (afterCode !== 0) return afterCode;
    banner('8. The audit log written beside the state');
    const audit = readFileSync(join(work, '.cxone-exports', 'audit.jsonl'), 'utf8')
      .trim()
      .split('\n');
    for (const line of audit) {
      const event = JSON.parse(line) as AuditEvent;
      process.stdout.write(
        `${event.timestamp}  ${event.event.padEnd(20)} ${(event.export ?? '').padEnd(28)} ${event.status ?? ''} ${event.rowsExported == null ? '' : `${event.rowsExported} rows`}\n`,
      );
    }
    const record = simulator.record();
    process.stdout.write(
      `\n${audit.length} audit lines in .cxone-exports/audit.jsonl; the simulator received ${record.requests.length} requests and ran ${record.executions.length} executions; serve acknowledged ${callbacksLogged} callbacks.\n`,
    );
    return 0;
  } finally {
    receiver.kill('SIGTERM');
    await once(receiver, 'exit');
    await simulator.stop();
    if (process.env.CXONE_EXPORTS_DEMO_KEEP !== '1') rmSync(work, { recursive: true, force: true });
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

async function waitForHealth(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the callback receiver did not start');
}

process.exitCode = await main();
