// The four set-ups `init` offers, {local, pg} × {one environment, sandbox + production}, as a new team gets them:
// the packed package installed into an empty repository, `init`, then validate, plan, apply, serve with the
// callbacks of a simulated tenant per environment, status, and each generated workflow rehearsed. The promise
// under test: every export runs once, in the tenant it was meant for.

import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { CxoneSimulator } from '../../src/simulator/cxone-simulator.js';
import { freshSchema, sql, testDatabase } from '../support/postgres.js';
import { freePort, SERVE_SECRET } from '../support/serve-process.js';
import { packedPackage } from '../support/pack.js';
import { waitFor } from '../support/wait-for.js';
import { rehearseWorkflow } from '../support/workflow-runner.js';
import type { Rehearsal } from '../support/workflow-runner.js';

const ROOT = join(import.meta.dirname, '..', '..');
/** What init's workflows use: the Action of this checkout stands for it. */
const ACTION = `cxone-exports/cxone-exports@v${(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version.split('.')[0]!}`;
const database = testDatabase();

/** node_modules with the packed package installed, shared by every set-up's repository (a link each). */
let installed: string;
beforeAll(async () => {
  ({ installed } = await packedPackage());
}, 180_000);

interface SetUp {
  backend: 'local' | 'pg';
  environments: readonly string[];
  /** pg: the schema this run's repository was given. */
  schema?: string;
}

const SET_UPS: [string, SetUp][] = [
  ['local, one environment', { backend: 'local', environments: [] }],
  ['pg, one environment', { backend: 'pg', environments: [] }],
  ['local, sandbox and production', { backend: 'local', environments: ['sandbox', 'production'] }],
  ['pg, sandbox and production', { backend: 'pg', environments: ['sandbox', 'production'] }],
];

/** Every simulator started, stopped after the file (the tests run side by side, so not after each). */
const simulators: CxoneSimulator[] = [];
afterAll(async () => {
  await Promise.all(simulators.map((sim) => sim.stop()));
});

/** One environment as a team has it: its tenant (a simulator of its own), its receiver's port and its secrets. */
interface Tenant {
  name: string;
  sim: CxoneSimulator;
  port: number;
  /** The variables its credentials are read from, with its tenant's values. */
  credentials: Record<string, string>;
}

describe.concurrent.each(SET_UPS)('%s, from the packed package', (_name, setUp) => {
  it('runs init, validate, plan, apply, serve with callbacks and status; each export once, in its tenant', async () => {
    const { repo, tenants, env, cli } = await newRepository(setUp);
    const several = setUp.environments.length > 0;
    const flag = (tenant: Tenant) => (several ? ['--env', tenant.name] : []);

    expect(await cli(['validate'])).toMatchObject({ code: 0, stdout: '✔ 1 export definition in 1 file is valid.\n' });
    const planned = await cli(several ? ['--env', 'all', 'plan'] : ['plan']);
    expect(planned.code, planned.stderr).toBe(0);
    if (several) {
      // Each environment has its own state: production waits for sandbox, and neither sees the other's.
      expect(planned.stdout).toMatch(/Environment sandbox: API http:\/\/127\.0\.0\.1:\d+; state /);
      expect(planned.stdout).toContain('1 held back until promoted');
    }

    const receivers = await Promise.all(tenants.map((tenant) => startReceiver(repo, tenant, env, flag(tenant))));
    try {
      for (const tenant of tenants) {
        const applied = await cli([...flag(tenant), 'apply', '--auto-approve', '--wait']);
        expect(applied.code, applied.stderr).toBe(0);
        expect(tenant.sim.record().executions.map((e) => e.datasetId)).toEqual(['ds-agent-activity']);
        // The simulator's own attempts are few and bounded: wait until it stops trying, then judge the answer.
        const deliveries = () => tenant.sim.record().executions.map((e) => e.callback);
        await waitFor(() => deliveries().every((d) => d?.settled === true), 'the callback to settle', 60_000);
        expect(deliveries().map((d) => [d?.status, d?.error])).toEqual([[200, undefined]]);
      }
      for (const tenant of tenants) {
        const status = JSON.parse((await cli([...flag(tenant), 'status', '--json'])).stdout) as {
          environment: string;
          exports: { status: string }[];
        };
        expect(status).toMatchObject({ environment: several ? tenant.name : 'default' });
        expect(status.exports.map((e) => e.status)).toEqual(['completed']);
        const metrics = await (await fetch(`http://127.0.0.1:${tenant.port}/metrics`)).text();
        expect(metrics).toMatch(
          new RegExp(
            `cxone_exports_executions_total\\{status="completed",environment="${several ? tenant.name : 'default'}"\\} 1`,
          ),
        );
      }
    } finally {
      for (const receiver of receivers) receiver.kill('SIGTERM');
      await Promise.all(receivers.map((receiver) => once(receiver, 'exit')));
    }
    // Nothing left to do anywhere, and no tenant received another's execution.
    const again = await cli(
      several ? ['--env', 'all', 'plan', '--detailed-exitcode'] : ['plan', '--detailed-exitcode'],
    );
    expect(again.code, again.stdout).toBe(0);
    for (const tenant of tenants) expect(tenant.sim.record().executions).toHaveLength(1);
  }, 120_000);

  it('has workflows that plan every environment in one comment, and apply, schedule and refresh each', async () => {
    const { repo, tenants, cli } = await newRepository(setUp);
    const origin = join(repo, '..', 'origin.git');
    const git = (cwd: string, ...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
        cwd,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    git(repo, 'add', '.');
    git(repo, 'commit', '--quiet', '-m', 'init');
    git(repo, 'init', '--quiet', '--bare', '--initial-branch=main', origin);
    git(repo, 'push', '--quiet', origin, 'HEAD:main');
    const clone = () => {
      const dir = mkdtempSync(join(repo, '..', 'run-'));
      git(dir, 'clone', '--quiet', '--branch', 'main', origin, '.');
      symlinkSync(join(installed, 'node_modules'), join(dir, 'node_modules'));
      return dir;
    };
    const pgUrl: Record<string, string> =
      setUp.backend === 'pg' ? { 'secrets.CXONE_EXPORTS_PG_URL': database.url } : {};
    const secretsOf = (tenant: Tenant): Record<string, string> => ({
      'github.run_id': '77',
      'github.run_attempt': '1',
      'github.event.pull_request.number': '5',
      'secrets.CXONE_CLIENT_ID': tenant.sim.options.credentials.clientId,
      'secrets.CXONE_CLIENT_SECRET': tenant.sim.options.credentials.clientSecret,
      ...pgUrl,
    });
    const rehearse = (dir: string, workflow: string, job: string, tenant: Tenant): Promise<Rehearsal> =>
      rehearseWorkflow(join(dir, '.github', 'workflows', `cxone-exports-${workflow}.yml`), {
        cwd: dir,
        // cxone-exports is not on the PATH: the Action's install step puts the pinned one there.
        env: { PATH: process.env.PATH ?? '', HOME: dir, CI: 'true' },
        expressions: secretsOf(tenant),
        scratch: dir,
        actions: { [ACTION]: ROOT },
        job,
      });
    const jobOf = (tenant: Tenant) => (setUp.environments.length > 0 ? tenant.name : 'production');
    const passed = (run: Rehearsal) => run.steps.filter((s) => !s.skipped).map((s) => [s.name, s.code, s.stderr]);

    // The pull request's plan: one comment with a section per environment.
    const pr = clone();
    if (setUp.backend === 'pg' && setUp.environments.length > 0) {
      for (const tenant of tenants) {
        const run = await rehearse(pr, 'plan', `plan-${tenant.name}`, tenant);
        expect(
          passed(run).every(([, code]) => code === 0),
          JSON.stringify(passed(run)),
        ).toBe(true);
      }
      const comment = await rehearse(pr, 'plan', 'comment', tenants[0]!);
      expect(passed(comment).map(([name, code]) => [name, code])).toEqual([
        ['Install cxone-exports', 0],
        ['Run cxone-exports plan', 0],
        ['Commit the state back', 0],
      ]);
      expect(comment.outputs.has_changes).toBe('true');
    } else {
      const run = await rehearse(pr, 'plan', 'plan', tenants[0]!);
      expect(passed(run).map(([name, code]) => [name, code])).toEqual([
        ['Install cxone-exports', 0],
        ['Run cxone-exports plan', 0],
        ['Commit the state back', 0],
      ]);
      expect(run.steps[0]!.stdout).toMatch(/^cxone-exports \d+\.\d+\.\d+, as package-lock\.json pins it\.$/m);
    }
    const body = readFileSync(join(pr, 'cxone-exports.plan.md'), 'utf8');
    expect(body.match(/<!-- cxone-exports-plan -->/g)).toHaveLength(1);
    // A section per environment: put together from each job's plan, or rolled up by one `--env all` plan.
    for (const name of setUp.environments) expect(body).toMatch(new RegExp(`#### ${name}\\n|<b>${name}</b>`));
    expect(body).toContain('agent-activity-daily');

    // Merged: apply, then the schedule and refresh, each environment in its job, in order.
    const head = git(repo, '--git-dir', origin, 'rev-parse', 'main').trim();
    for (const workflow of ['apply', 'schedule', 'refresh'])
      for (const tenant of tenants) {
        const run = await rehearse(clone(), workflow, jobOf(tenant), tenant);
        expect(
          passed(run).every(([, code]) => code === 0),
          `${workflow} ${tenant.name}: ${JSON.stringify(passed(run))}`,
        ).toBe(true);
      }
    for (const tenant of tenants) expect(tenant.sim.record().executions).toHaveLength(1);
    const commits = git(repo, '--git-dir', origin, 'log', '--format=%s', `${head}..main`).trim();
    if (setUp.backend === 'pg') {
      // The state is in PostgreSQL: nothing was committed back, and each environment's state is its own.
      expect(commits).toBe('');
      const states = await sql<{ name: string; environment: string | null }>(
        database.url,
        `SELECT name, environment FROM ${setUp.schema!}.states ORDER BY name`,
      );
      expect(states).toEqual(
        setUp.environments.length > 0
          ? [
              { name: 'production', environment: 'production' },
              { name: 'sandbox', environment: 'sandbox' },
            ]
          : [{ name: 'default', environment: null }],
      );
    } else {
      expect(commits).toContain('cxone-exports apply');
    }
    await cli(['validate']);
  }, 180_000);
});

/** A repository as `init` leaves it, pointed at a simulated tenant per environment (and a fresh pg schema). */
async function newRepository(setUp: SetUp) {
  const repo = join(mkdtempSync(join(tmpdir(), 'cxone-exports-setup-')), 'exports-repo');
  mkdirSync(repo);
  execFileSync('git', ['init', '--quiet', '--initial-branch=main', repo]);
  // The installed package is a link here, which init's `node_modules/` (a folder) does not match.
  writeFileSync(join(repo, '.git', 'info', 'exclude'), 'node_modules\n');
  // The package pinned as a team pins it (npm install --save-dev): the Action installs what the lock file says.
  for (const file of ['package.json', 'package-lock.json']) copyFileSync(join(installed, file), join(repo, file));
  symlinkSync(join(installed, 'node_modules'), join(repo, 'node_modules'));
  const several = setUp.environments.length > 0;
  const tenants: Tenant[] = [];
  for (const name of several ? setUp.environments : ['production']) {
    const sim = new CxoneSimulator({
      callbackSecret: SERVE_SECRET,
      tenantId: `tenant-${name}`,
      lifecycle: { minDurationMs: 20, msPerMillionRows: 20, failureRate: 0 },
    });
    await sim.start();
    simulators.push(sim);
    const prefix = several ? `CXONE_${name.toUpperCase()}_` : 'CXONE_';
    const { credentials } = sim.options;
    tenants.push({
      name,
      sim,
      port: await freePort(),
      credentials: {
        [`${prefix}CLIENT_ID`]: credentials.clientId,
        [`${prefix}CLIENT_SECRET`]: credentials.clientSecret,
      },
    });
  }
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: repo,
    CXONE_CALLBACK_SECRET: SERVE_SECRET,
    ...(setUp.backend === 'pg' ? { CXONE_EXPORTS_PG_URL: database.url } : {}),
    ...Object.fromEntries(tenants.flatMap((tenant) => Object.entries(tenant.credentials))),
  };
  const cli = (args: string[]) => runInstalled(repo, args, env);
  const init = await cli(['init', '--backend', setUp.backend, ...(several ? ['--environments'] : [])]);
  expect(init.code, init.stderr).toBe(0);

  // What a team edits after init: its tenants' URLs, its receivers, its database schema.
  const path = join(repo, 'cxone-exports.config.yaml');
  const config = parseDocument(readFileSync(path, 'utf8'));
  for (const tenant of tenants) {
    const at = several ? ['environments', tenant.name] : [];
    config.setIn([...at, 'authUrl'], tenant.sim.url);
    config.setIn([...at, 'apiUrl'], tenant.sim.url);
    if (several) config.setIn([...at, 'tenantId'], `tenant-${tenant.name}`);
    config.setIn([...at, 'defaults', 'callbackUrl'], `http://127.0.0.1:${tenant.port}/webhook/cxone-callback`);
  }
  config.setIn(['apply', 'spacingMs'], 0);
  if (setUp.backend === 'pg') {
    setUp.schema = freshSchema();
    config.setIn(['backend', 'schema'], setUp.schema);
  }
  writeFileSync(path, config.toString());
  return { repo, tenants, env, cli };
}

function runInstalled(
  cwd: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(join(cwd, 'node_modules', '.bin', 'cxone-exports'), args, { cwd, env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // 'close', not 'exit': the output may still be arriving when the process has exited.
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

/** The installed package's `serve` for one environment, ready once /healthz answers. */
async function startReceiver(
  repo: string,
  tenant: Tenant,
  env: Record<string, string>,
  flag: string[],
): Promise<ChildProcess> {
  const child = spawn(
    join(repo, 'node_modules', '.bin', 'cxone-exports'),
    [...flag, 'serve', '--port', String(tenant.port)],
    { cwd: repo, env, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const healthy = () =>
    fetch(`http://127.0.0.1:${tenant.port}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
  let ready = false;
  void (async () => {
    while (!ready && child.exitCode === null) ready = await healthy();
  })();
  await waitFor(() => ready || child.exitCode !== null, `the ${tenant.name} receiver`);
  if (!ready) throw new Error(`serve did not start: ${stderr}`);
  return child;
}
