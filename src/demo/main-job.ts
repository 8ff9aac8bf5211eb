// `npm start`: the main job, end to end, on this machine only. The bundled exports/ in two environments,
// sandbox and production, each its own simulated CXone tenant with its own receiver: sandbox is applied, its
// callbacks recorded; production's plan holds the change back until sandbox completed it (the promotion gate),
// then production is applied; `status` shows the result, and a last plan shows no changes anywhere. It works in a
// scratch copy, so the repository's own state is never touched.

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

/** What a step shows of its command's output (stdout, and both streams): a summary; all of it when it failed. */
type Summary = (stdout: string, output: string) => string[];

/** The lines of the output that say how the command ended (the CLI's own summary lines). */
const SUMMARY_LINES =
  /^(✔ \d+ export|Environment \w+:|Plan: |No changes|Apply complete|Refresh complete|Executions: |Completion rate|Latency: |\S+: completed|\S+ │ [✓✗] )/;
const summaryLines: Summary = (_stdout, output) =>
  output
    .split('\n')
    .filter((line) => SUMMARY_LINES.test(line))
    // apply names its environment when it starts and again when it ends: once is enough here.
    .filter((line, i, all) => !line.startsWith('Environment ') || all.indexOf(line) === i);

/**
 * Runs the CLI as a user would, in the working copy (`-C`, so the printed command is the one to copy), and shows
 * its summary. Asynchronously: the simulators in this process must keep answering.
 */
async function run(args: string[], work: string, env: Record<string, string>, summary: Summary): Promise<number> {
  const full = ['-C', work, ...args];
  process.stdout.write(`${colors.dim(`$ cxone-exports ${full.join(' ')}`)}\n`);
  const child = spawn(process.execPath, [cli, ...full], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => ((stdout += chunk), (output += chunk)));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const [code] = (await once(child, 'close')) as [number | null];
  const lines = code === 0 ? summary(stdout, output) : output.trimEnd().split('\n');
  for (const line of lines) process.stdout.write(`  ${line}\n`);
  return code ?? 1;
}

/** Runs each titled step; the first that fails stops the job with its exit code. */
async function runSteps(
  steps: [string, string[], Summary?][],
  work: string,
  env: Record<string, string>,
): Promise<number> {
  for (const [title, args, summary] of steps) {
    banner(title);
    const code = await run(args, work, env, summary ?? summaryLines);
    if (code !== 0) {
      process.stderr.write(`\nThe main job stopped: \`cxone-exports ${args.join(' ')}\` exited ${code}.\n`);
      return code;
    }
  }
  return 0;
}

/** `plan --json` of one or every environment, a line per change: the plan, once, in a few lines. */
const planLines: Summary = (stdout) => {
  const parsed = JSON.parse(stdout) as PlanJson | { environments: Record<string, PlanJson> };
  const plans = 'environments' in parsed ? Object.entries(parsed.environments) : [['', parsed] as const];
  return plans.flatMap(([environment, plan]) => {
    const counts = Object.entries(plan.summary)
      .filter(([, count]) => count > 0)
      .map(([action, count]) => `${count} ${action === 'blocked' ? 'held back until promoted' : action}`);
    return [
      `${environment === '' ? '' : `${environment}: `}${counts.length === 0 ? 'no changes' : counts.join(', ')}`,
      ...plan.changes
        .filter((change) => change.action !== 'noop')
        .map(
          (change) =>
            `  ${change.action.padEnd(8)} ${change.name.padEnd(28)} ${change.reason.padEnd(13)}${
              change.schedule === undefined || change.schedule === null
                ? ''
                : ` ${change.schedule.cron} (${change.schedule.timeZone}), next ${change.schedule.nextTick}`
            }`,
        ),
    ];
  });
};

interface PlanJson {
  summary: Record<string, number>;
  changes: {
    name: string;
    action: string;
    reason: string;
    schedule?: { cron: string; timeZone: string; nextTick: string } | null;
  }[];
}

/** The two environments the main job shows: each is its own simulated CXone tenant, with its own receiver. */
const ENVIRONMENTS = ['sandbox', 'production'] as const;
type EnvironmentName = (typeof ENVIRONMENTS)[number];

interface Tenant {
  name: EnvironmentName;
  simulator: CxoneSimulator;
  port: number;
}

async function main(): Promise<number> {
  const work = mkdtempSync(join(tmpdir(), 'cxone-exports-demo-'));
  cpSync(join(repo, 'exports'), join(work, 'exports'), { recursive: true });
  // A demo secret: the simulators sign callbacks with it and the receivers check them.
  const callbackSecret = `demo-${randomUUID()}`;
  const tenants: Tenant[] = [];
  for (const name of ENVIRONMENTS) {
    const simulator = new CxoneSimulator({
      callbackSecret,
      tenantId: `tenant-${name}`,
      lifecycle: { minDurationMs: 500, msPerMillionRows: 400, failureRate: 0 },
    });
    await simulator.start();
    tenants.push({ name, simulator, port: await freePort() });
  }
  // The bundled config and its two environments (production takes only what completed in sandbox first), each
  // pointed at its own simulated tenant (guarded by its tenant id) and sending callbacks to its own receiver.
  const config = parseDocument(readFileSync(join(repo, 'cxone-exports.config.yaml'), 'utf8'));
  for (const tenant of tenants) {
    const url = tenant.simulator.url;
    config.setIn(['environments', tenant.name, 'authUrl'], url);
    config.setIn(['environments', tenant.name, 'apiUrl'], url);
    config.setIn(['environments', tenant.name, 'tenantId'], `tenant-${tenant.name}`);
    config.setIn(
      ['environments', tenant.name, 'defaults', 'callbackUrl'],
      `http://127.0.0.1:${tenant.port}/webhook/cxone-callback`,
    );
  }
  writeFileSync(join(work, 'cxone-exports.config.yaml'), config.toString());
  const env: Record<string, string> = { CXONE_CALLBACK_SECRET: callbackSecret };
  for (const tenant of tenants) {
    const { credentials } = tenant.simulator.options;
    env[`CXONE_${tenant.name.toUpperCase()}_CLIENT_ID`] = credentials.clientId;
    env[`CXONE_${tenant.name.toUpperCase()}_CLIENT_SECRET`] = credentials.clientSecret;
  }

  banner('cxone-exports main job: the bundled exports/ in two environments, each its own simulated CXone tenant');
  const keep = process.env.CXONE_EXPORTS_DEMO_KEEP === '1';
  process.stdout.write(
    `Working copy: ${work}, its config pointed at the simulators (${keep ? 'kept' : 'removed at the end; CXONE_EXPORTS_DEMO_KEEP=1 keeps it'}).\n`,
  );
  // The demo credentials and callback secret in a file of the working copy, not on the screen.
  const envFile = join(work, 'demo.env');
  writeFileSync(
    envFile,
    Object.entries(env)
      .map(([name, value]) => `export ${name}='${value}'\n`)
      .join(''),
    {
      mode: 0o600,
    },
  );
  process.stdout.write(`To run a command below yourself while the job runs, first: . ${envFile}\n`);
  banner('0. A callback receiver per environment, in the background');
  const receivers = tenants.map((tenant) => startReceiver(tenant, work, env));
  try {
    await Promise.all(receivers.map((receiver) => waitForHealth(receiver.port)));
    process.stdout.write(`  ${receivers.length} receivers answer on /healthz.\n`);
    const first: [string, string[], Summary?][] = [
      ['1. Validate the definitions, in every environment', ['validate']],
      [
        '2. Plan every environment: production waits for sandbox (the promotion gate)',
        ['--env', 'all', 'plan', '--json'],
        planLines,
      ],
      ['3. Apply to sandbox', ['--env', 'sandbox', 'apply', '--auto-approve']],
    ];
    const firstCode = await runSteps(first, work, env);
    if (firstCode !== 0) return firstCode;
    await showCallbacks(
      '4. Sandbox completes: its simulator posts signed callbacks, its receiver records them',
      tenants[0]!,
    );
    const second: [string, string[], Summary?][] = [
      ['5. Refresh sandbox: poll what no callback could report', ['--env', 'sandbox', 'refresh']],
      [
        '6. Plan production again: what completed in sandbox may go now',
        ['--env', 'production', 'plan', '--json'],
        planLines,
      ],
      ['7. Apply to production', ['--env', 'production', 'apply', '--auto-approve']],
    ];
    const secondCode = await runSteps(second, work, env);
    if (secondCode !== 0) return secondCode;
    await showCallbacks('8. Production completes', tenants[1]!);
    const after: [string, string[], Summary?][] = [
      ['9. Refresh production', ['--env', 'production', 'refresh']],
      ['10. Status of production: completion rate, latency', ['--env', 'production', 'status']],
      // No --detailed-exitcode: a scheduled tick that comes due meanwhile is planned, and is no failure of the job.
      ['11. Plan every environment again: nothing left to do', ['--env', 'all', 'plan']],
    ];
    const afterCode = await runSteps(after, work, env);
    if (afterCode !== 0) return afterCode;
    banner('12. The audit logs written beside each state');
    let lines = 0;
    for (const tenant of tenants) {
      const path = join('.cxone-exports', tenant.name, 'audit.jsonl');
      const events = readFileSync(join(work, path), 'utf8')
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as AuditEvent).event);
      lines += events.length;
      const counts = new Map<string, number>();
      for (const event of events) counts.set(event, (counts.get(event) ?? 0) + 1);
      const byEvent = [...counts].map(([event, count]) => `${count} ${event}`).join(', ');
      process.stdout.write(`  ${path}: ${events.length} lines (${byEvent})\n`);
    }
    const requests = tenants.reduce((sum, t) => sum + t.simulator.record().requests.length, 0);
    const executions = tenants.map((t) => `${t.simulator.record().executions.length} in ${t.name}`).join(', ');
    const acknowledged = receivers.reduce((sum, r) => sum + r.acknowledged(), 0);
    await stopReceivers(receivers);
    // Once the receivers have stopped, each state records its audit chain's head: verify checks it all.
    const verifyCode = await runSteps(
      [['13. Verify the audit chains: nothing edited, removed, inserted or cut', ['--env', 'all', 'audit', 'verify']]],
      work,
      env,
    );
    if (verifyCode !== 0) return verifyCode;
    process.stdout.write(
      `\n${colors.bold('✔ The main job succeeded')}: ${lines} audit lines; the simulators received ${requests} requests and ran ${executions}; the receivers acknowledged ${acknowledged} callbacks.\n`,
    );
    return 0;
  } finally {
    await stopReceivers(receivers);
    await Promise.all(tenants.map((tenant) => tenant.simulator.stop()));
    if (!keep) rmSync(work, { recursive: true, force: true });
  }
}

type Receiver = ReturnType<typeof startReceiver>;

/** Stops the receivers (once), each with one quiet line: what it wrote. */
async function stopReceivers(receivers: readonly Receiver[]): Promise<void> {
  const running = receivers.filter((receiver) => receiver.process.exitCode === null && !receiver.process.killed);
  for (const receiver of running) receiver.process.kill('SIGTERM');
  await Promise.all(running.map((receiver) => once(receiver.process, 'exit')));
  for (const receiver of running) process.stdout.write(`  ${receiver.name} receiver stopped: ${receiver.stopped()}\n`);
}

/** `serve --env NAME` on the tenant's port, counting the callbacks it acknowledges. */
function startReceiver(tenant: Tenant, work: string, env: Record<string, string>) {
  const args = ['-C', work, '--env', tenant.name, 'serve', '--port', String(tenant.port)];
  process.stdout.write(`${colors.dim(`$ cxone-exports ${args.join(' ')} &`)}\n`);
  const child = spawn(process.execPath, [cli, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Its log is for a failure; otherwise the job says in one line what it wrote when it stopped.
  let log = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
  let acknowledged = 0;
  child.stdout.on(
    'data',
    (chunk: Buffer) =>
      (acknowledged += chunk
        .toString()
        .split('\n')
        .filter((line) => line.includes('"path":"/webhook/cxone-callback"') && line.includes('"status":200')).length),
  );
  const stopped = () =>
    /^Stopped\. (\d+ state writes? this run)/m.exec(log)?.[1] ?? `exited ${child.exitCode ?? '?'}:\n${log.trimEnd()}`;
  return { name: tenant.name, process: child, port: tenant.port, acknowledged: () => acknowledged, stopped };
}

/** Waits until every execution of the tenant's simulator has had its callback delivered (or given up on). */
async function showCallbacks(title: string, tenant: Tenant): Promise<void> {
  banner(title);
  const deadline = Date.now() + 60_000;
  const settled = (e: ReturnType<CxoneSimulator['record']>['executions'][number]) =>
    e.callback !== undefined &&
    (e.callback.status !== undefined ||
      e.callback.skipped !== undefined ||
      (e.callback.error !== undefined && e.callback.attempts >= 3));
  while (!tenant.simulator.record().executions.every(settled) && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 200));
  for (const execution of tenant.simulator.record().executions) {
    const delivery = execution.callback;
    const outcome =
      delivery?.status !== undefined
        ? `HTTP ${delivery.status}`
        : delivery?.skipped !== undefined
          ? `not sent (${new URL(delivery.url).host} is not this machine: refresh polls it)`
          : `not delivered (${delivery?.error ?? 'pending'})`;
    process.stdout.write(
      `  ${execution.executionId} ${execution.status}, ${execution.rowsExported ?? 0} rows: ${outcome}\n`,
    );
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
