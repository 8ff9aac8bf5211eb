// Environments from one repository: a sandbox and a production tenant, each with its own credentials, API and
// state, never chosen implicitly, each export's spec merged with that environment's overrides. The commands run in
// process (test/support/run-command.ts), against simulated tenants on loopback.

import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import type { ExportState } from '../../src/state/state-model.js';
import { miniRepo } from '../support/fixtures.js';
import { reseal } from '../support/reseal.js';
import { runCommand } from '../support/run-command.js';
import { simEnvironment, startSimulator } from '../support/simulator.js';
import type { CxoneSimulator } from '../../src/simulator/cxone-simulator.js';

const CONFIG = `apply:
  spacingMs: 0
environments:
  sandbox:
    apiUrl: https://api-sandbox.example.com
  production:
    apiUrl: https://api-na1.example.com
    credentials:
      clientId: PROD_CXONE_ID
      clientSecret: PROD_CXONE_SECRET
`;

/** The config with each environment's API and token endpoint on its own simulated tenant. */
function configOn(tenants: { sandbox: CxoneSimulator; production: CxoneSimulator }, config = CONFIG): string {
  return config
    .replace('apiUrl: https://api-sandbox.example.com', urlsOf(tenants.sandbox))
    .replace('apiUrl: https://api-na1.example.com', urlsOf(tenants.production));
}

function urlsOf(sim: CxoneSimulator): string {
  return `apiUrl: ${sim.url}\n    authUrl: ${sim.url}`;
}

const DEFINITION = `apiVersion: cxone-exports/v1
kind: CsvExport
metadata:
  name: agent-activity
spec:
  dataActionId: da-agent-activity
  datasetId: ds-agent-activity
  format: { maxRows: 2500000 }
environments:
  sandbox:
    spec: { datasetId: ds-agent-activity-sbx, format: { maxRows: 10000 } }
`;

const LATER = `apiVersion: cxone-exports/v1
kind: CsvExport
metadata:
  name: queue-stats
spec:
  dataActionId: da-queue
  datasetId: ds-queue
  format: { maxRows: 500 }
environments:
  production:
    enabled: false
`;

function repo(config = CONFIG): string {
  return miniRepo({
    'cxone-exports.config.yaml': config,
    'exports/agent-activity.yaml': DEFINITION,
    'exports/queue-stats.yaml': LATER,
  });
}

/** The simulator's credentials, under the names of one environment's variables. */
function tenantEnvironment(sim: CxoneSimulator, names: { id: string; secret: string }): Record<string, string> {
  const env = simEnvironment(sim);
  return { [names.id]: env.CXONE_CLIENT_ID!, [names.secret]: env.CXONE_CLIENT_SECRET! };
}

function stateOf(dir: string, environment: string): Record<string, ExportState> {
  const path = join(dir, '.cxone-exports', environment, 'state.json');
  return (JSON.parse(readFileSync(path, 'utf8')) as { exports: Record<string, ExportState> }).exports;
}

/** A simulator per tenant, and the config with production promoted from sandbox. */
async function promotedFromSandbox() {
  const sandbox = await startSimulator();
  const production = await startSimulator();
  const config = configOn(
    { sandbox, production },
    CONFIG.replace(
      '    apiUrl: https://api-na1.example.com\n',
      '    apiUrl: https://api-na1.example.com\n    promoteFrom: sandbox\n',
    ),
  );
  return { sandbox, production, config };
}

describe('environments', () => {
  it('refuse to read or write a state until --env names one, listing them', async () => {
    const dir = repo();
    for (const args of [['plan'], ['apply', '--auto-approve'], ['status'], ['state', 'list']]) {
      const result = await runCommand(args, { cwd: dir });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        'this config defines the environments sandbox, production; say which one with --env',
      );
    }
    expect(existsSync(join(dir, '.cxone-exports'))).toBe(false);
    const summary = join(dir, 'summary.md');
    const planned = await runCommand(['--env', 'sandbox', 'plan'], {
      cwd: dir,
      env: { GITHUB_STEP_SUMMARY: summary },
    });
    expect(planned.code).toBe(0);
    expect(readFileSync(summary, 'utf8')).toContain(
      '**Environment sandbox: API https://api-sandbox.example.com; state',
    );
    const typo = await runCommand(['--env', 'prod', 'plan'], { cwd: dir });
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain('--env prod is not an environment of this config (did you mean production?)');
  });

  it('apply each environment with its own credentials, ids and state, and say where before anything is sent', async () => {
    const sandbox = await startSimulator();
    const production = await startSimulator();
    const dir = repo(configOn({ sandbox, production }));
    // Issue 22, point 6: production's API left in the shell never takes sandbox's token; the header says so.
    const inSandbox = await runCommand(['--env', 'sandbox', 'apply', '--auto-approve'], {
      cwd: dir,
      env: {
        ...tenantEnvironment(sandbox, { id: 'CXONE_SANDBOX_CLIENT_ID', secret: 'CXONE_SANDBOX_CLIENT_SECRET' }),
        CXONE_API_URL: production.url,
      },
    });
    expect(inSandbox.code, inSandbox.stderr).toBe(0);
    expect(inSandbox.stdout).toContain(
      `Environment sandbox: API ${sandbox.url} (CXONE_API_URL is set but not used: sandbox names its own); state .cxone-exports/sandbox/state.json`,
    );
    expect(production.record().requests).toHaveLength(0);
    const sandboxSent = sandbox
      .record()
      .executions.map((e) => [e.datasetId, (e.payload as { export: { maxRows: number } }).export.maxRows]);
    expect(sandboxSent.sort()).toEqual([
      ['ds-agent-activity-sbx', 10000],
      ['ds-queue', 500],
    ]);

    // Production's credentials are under its own names: the sandbox's are not a fall-back.
    const wrongNames = await runCommand(['--env', 'production', 'apply', '--auto-approve'], {
      cwd: dir,
      env: tenantEnvironment(production, { id: 'CXONE_SANDBOX_CLIENT_ID', secret: 'CXONE_SANDBOX_CLIENT_SECRET' }),
    });
    expect(wrongNames.code).toBe(1);
    expect(wrongNames.stderr).toContain('missing credentials: set PROD_CXONE_ID, PROD_CXONE_SECRET');
    expect(production.record().requests).toHaveLength(0);

    const inProduction = await runCommand(['--env', 'production', 'apply', '--auto-approve'], {
      cwd: dir,
      env: tenantEnvironment(production, { id: 'PROD_CXONE_ID', secret: 'PROD_CXONE_SECRET' }),
    });
    expect(inProduction.code, inProduction.stderr).toBe(0);
    expect(production.record().executions.map((e) => e.datasetId)).toEqual(['ds-agent-activity']);
    expect(Object.keys(stateOf(dir, 'sandbox')).sort()).toEqual(['agent-activity', 'queue-stats']);
    expect(Object.keys(stateOf(dir, 'production'))).toEqual(['agent-activity']);
    // Every audit line and status say where they belong.
    for (const environment of ['sandbox', 'production']) {
      const lines = readFileSync(join(dir, '.cxone-exports', environment, 'audit.jsonl'), 'utf8')
        .trim()
        .split('\n');
      expect(lines.map((line) => (JSON.parse(line) as { environment?: string }).environment)).toEqual(
        lines.map(() => environment),
      );
      const status = await runCommand(['--env', environment, 'status', '--json'], { cwd: dir });
      expect(JSON.parse(status.stdout)).toMatchObject({ environment });
    }
    // The two states hash what each environment was sent.
    expect(stateOf(dir, 'sandbox')['agent-activity']!.definitionHash).not.toBe(
      stateOf(dir, 'production')['agent-activity']!.definitionHash,
    );
  });

  it('validate checks every environment, naming the ones a problem is found in', async () => {
    const dir = miniRepo({
      'cxone-exports.config.yaml': CONFIG,
      'exports/agent-activity.yaml': `${DEFINITION.replace('maxRows: 10000', 'maxRows: 0')}  staging:\n    enabled: false\n`,
    });
    const result = await runCommand(['validate'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /11:\d+ +error +agent-activity: spec\.format\.maxRows must be ≥ 1, not 0 \(in sandbox\)/,
    );
    expect(result.stdout).toContain('environments.staging: staging is not an environment of the config');
  });

  it("validate judges each environment's loopback callbacks against that environment's own API", async () => {
    // Issue 22, point 5: the top-level apiUrl was used, though every environment's API is on this machine.
    const local = `apiUrl: https://api.us1.cxone.com
defaults:
  callbackUrl: http://127.0.0.1:8080/webhook/cxone-callback
environments:
  sandbox:
    apiUrl: http://127.0.0.1:9001
  production:
    apiUrl: http://127.0.0.1:9002
`;
    const dir = miniRepo({ 'cxone-exports.config.yaml': local, 'exports/agent-activity.yaml': DEFINITION });
    const quiet = await runCommand(['validate'], { cwd: dir });
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stderr).toBe('');
    const remote = local.replace('http://127.0.0.1:9002', 'https://api-na1.niceincontact.com');
    const warned = await runCommand(['validate'], { cwd: repo(remote) });
    expect(warned.stderr).toContain(
      'Warning: in production, these callback URLs point at this machine, but apiUrl is https://api-na1.niceincontact.com',
    );
    expect(warned.stderr).not.toContain('in sandbox');
  });

  it('holds a production-only change like an unpromoted one: an override or a default sandbox never ran (issue 38, point 1)', async () => {
    const { sandbox, production, config } = await promotedFromSandbox();
    const dir = miniRepo({ 'cxone-exports.config.yaml': config, 'exports/agent-activity.yaml': DEFINITION });
    const sandboxEnv = tenantEnvironment(sandbox, {
      id: 'CXONE_SANDBOX_CLIENT_ID',
      secret: 'CXONE_SANDBOX_CLIENT_SECRET',
    });
    const productionEnv = tenantEnvironment(production, { id: 'PROD_CXONE_ID', secret: 'PROD_CXONE_SECRET' });
    const run = (environment: string, args: string[]) =>
      runCommand(['--env', environment, ...args], {
        cwd: dir,
        env: environment === 'sandbox' ? sandboxEnv : productionEnv,
      });
    expect((await run('sandbox', ['apply', '--auto-approve', '--wait'])).code).toBe(0);
    expect((await run('production', ['apply', '--auto-approve'])).code).toBe(0);
    expect(production.record().executions).toHaveLength(1);

    // Only production's override changes: sandbox's definition stays as it completed there.
    writeFileSync(
      join(dir, 'exports/agent-activity.yaml'),
      `${DEFINITION}  production:\n    spec: { datasetId: ds-recordings, format: { maxRows: 3000000 } }\n`,
    );
    const plan = await run('production', ['plan', '--json']);
    const [change] = (JSON.parse(plan.stdout) as { changes: Record<string, unknown>[] }).changes;
    expect(change).toMatchObject({
      action: 'blocked',
      reason: 'environment-only',
      blockedBy: {
        environment: 'sandbox',
        wouldBe: 'update',
        environmentOnly: ['spec.datasetId', 'spec.format.maxRows'],
      },
    });
    const human = await run('production', ['plan']);
    expect(human.stdout).toContain(
      'environment-only: spec.datasetId, spec.format.maxRows change here to what sandbox does not share',
    );
    expect((await run('production', ['apply', '--auto-approve'])).code).toBe(0);
    expect(production.record().executions).toHaveLength(1);
    // Sandbox's own plan has nothing to do: the change is production's alone.
    expect((await run('sandbox', ['plan', '--detailed-exitcode'])).code).toBe(0);
    // Let through only when asked, and audited as today.
    expect((await run('production', ['apply', '--auto-approve', '--ignore-promotion'])).code).toBe(0);
    expect(production.record().executions.map((e) => e.datasetId)).toEqual(['ds-agent-activity', 'ds-recordings']);
  });

  it("stop an apply whose credentials belong to another environment's tenant, before anything is written or sent", async () => {
    const productionTenant = await startSimulator({ tenantId: 'tenant-prod' });
    // Sandbox's URLs lead to production's tenant, whose credentials the sandbox's variables hold.
    const dir = miniRepo({
      'cxone-exports.config.yaml': configOn(
        { sandbox: productionTenant, production: productionTenant },
        CONFIG.replace(
          '    apiUrl: https://api-sandbox.example.com\n',
          '    apiUrl: https://api-sandbox.example.com\n    tenantId: tenant-sbx\n',
        ),
      ),
      'exports/agent-activity.yaml': DEFINITION,
    });
    // The sandbox's variables hold production's credentials (a copy-paste in the CI settings).
    const result = await runCommand(['--env', 'sandbox', 'apply', '--auto-approve'], {
      cwd: dir,
      env: tenantEnvironment(productionTenant, {
        id: 'CXONE_SANDBOX_CLIENT_ID',
        secret: 'CXONE_SANDBOX_CLIENT_SECRET',
      }),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'the credentials belong to tenant tenant-prod, but environment sandbox is tenant tenant-sbx; nothing was written or sent',
    );
    expect(productionTenant.record().executions).toEqual([]);
    expect(existsSync(join(dir, '.cxone-exports', 'sandbox', 'state.json'))).toBe(false);
    expect(existsSync(join(dir, '.cxone-exports', 'sandbox', 'audit.jsonl'))).toBe(false);

    const refresh = await runCommand(['--env', 'sandbox', 'refresh'], {
      cwd: dir,
      env: tenantEnvironment(productionTenant, {
        id: 'CXONE_SANDBOX_CLIENT_ID',
        secret: 'CXONE_SANDBOX_CLIENT_SECRET',
      }),
    });
    // Nothing to refresh yet: refresh asks CXone nothing, so the guard has nothing to check.
    expect(refresh.code).toBe(0);
  });

  it('refuses a saved production plan resealed to turn a held change into a create, and sends nothing', async () => {
    const { sandbox, production, config } = await promotedFromSandbox();
    const dir = miniRepo({ 'cxone-exports.config.yaml': config, 'exports/agent-activity.yaml': DEFINITION });
    const inProduction = (args: string[]) =>
      runCommand(['--env', 'production', ...args], {
        cwd: dir,
        env: tenantEnvironment(production, { id: 'PROD_CXONE_ID', secret: 'PROD_CXONE_SECRET' }),
      });
    expect((await inProduction(['plan', '--out', 'plan.json'])).code).toBe(0);
    const plan = JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8')) as {
      changes: Record<string, unknown>[];
      summary: Record<string, number>;
    };
    expect(plan.changes.map((c) => c.action)).toEqual(['blocked']);
    const change = plan.changes[0]!;
    delete change.blockedBy;
    Object.assign(change, { action: 'create', reason: 'new' });
    plan.summary = { ...plan.summary, create: 1, blocked: 0 };
    writeFileSync(join(dir, 'plan.json'), JSON.stringify(reseal(plan)));

    const result = await inProduction(['apply', 'plan.json']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('export agent-activity is create in the file, blocked in the plan now');
    expect(production.record().executions).toHaveLength(0);
    expect(sandbox.record().executions).toHaveLength(0);
  });

  it('hold a change back in production until the same definition completed in sandbox; the override is audited', async () => {
    const { sandbox, production, config } = await promotedFromSandbox();
    const dir = miniRepo({
      'cxone-exports.config.yaml': config,
      'exports/agent-activity.yaml': DEFINITION,
      'exports/queue-stats.yaml': LATER.replace(
        '  production:\n    enabled: false\n',
        '  sandbox:\n    enabled: true\n',
      ),
    });
    const inSandbox = (args: string[]) =>
      runCommand(['--env', 'sandbox', ...args], {
        cwd: dir,
        env: tenantEnvironment(sandbox, { id: 'CXONE_SANDBOX_CLIENT_ID', secret: 'CXONE_SANDBOX_CLIENT_SECRET' }),
      });
    const inProduction = (args: string[]) =>
      runCommand(['--env', 'production', ...args], {
        cwd: dir,
        env: tenantEnvironment(production, { id: 'PROD_CXONE_ID', secret: 'PROD_CXONE_SECRET' }),
      });

    const blocked = await inProduction(['plan']);
    expect(blocked.stdout).toContain(
      '# agent-activity will be held back (not promoted: this definition has no completed execution in sandbox yet',
    );
    expect(blocked.stdout).toContain('Plan: 0 to submit, 0 to forget, 0 unchanged, 2 held back until promoted.');
    const json = JSON.parse((await inProduction(['plan', '--json'])).stdout) as {
      changes: { action: string; reason: string }[];
    };
    expect(json.changes.map((c) => [c.action, c.reason])).toEqual([
      ['blocked', 'not-promoted'],
      ['blocked', 'not-promoted'],
    ]);
    // --target and --replace do not open the gate.
    expect((await inProduction(['apply', '--auto-approve', '--target', 'agent-activity'])).stdout).toContain(
      'No changes.',
    );
    expect(production.record().executions).toHaveLength(0);

    // agent-activity completes in sandbox; queue-stats is only submitted there, not yet complete.
    expect((await inSandbox(['apply', '--auto-approve', '--target', 'agent-activity', '--wait'])).code).toBe(0);
    const promoted = await inProduction(['plan']);
    expect(promoted.stdout).toContain('# agent-activity will be created (new definition)');
    expect(promoted.stdout).toContain('1 held back until promoted');
    expect((await inProduction(['apply', '--auto-approve'])).code).toBe(0);
    expect(production.record().executions.map((e) => e.datasetId)).toEqual(['ds-agent-activity']);

    // Past the gate on purpose: submitted, and the intent line says so.
    const forced = await inProduction(['apply', '--auto-approve', '--ignore-promotion']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(
      production
        .record()
        .executions.map((e) => e.datasetId)
        .sort(),
    ).toEqual(['ds-agent-activity', 'ds-queue']);
    const audit = readFileSync(join(dir, '.cxone-exports', 'production', 'audit.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { event: string; export: string; reason?: string });
    expect(audit.filter((e) => e.event === 'execution.intent').map((e) => [e.export, e.reason])).toEqual([
      ['agent-activity', undefined],
      ['queue-stats', 'promotion-ignored'],
    ]);
  });

  it('let through what sandbox does not define, saying so, and show every bypass of the gate in the plan', async () => {
    const sandbox = await startSimulator();
    const production = await startSimulator();
    const dir = miniRepo({
      'cxone-exports.config.yaml': configOn(
        { sandbox, production },
        CONFIG.replace(
          '    apiUrl: https://api-na1.example.com\n',
          '    apiUrl: https://api-na1.example.com\n    promoteFrom: sandbox\n',
        ),
      ),
      'exports/agent-activity.yaml': DEFINITION,
      // Issue 22, point 3: a production-only export was held back forever, since sandbox never runs it.
      'exports/queue-stats.yaml': LATER.replace(
        '  production:\n    enabled: false\n',
        '  sandbox:\n    enabled: false\n',
      ),
    });
    const env = tenantEnvironment(production, { id: 'PROD_CXONE_ID', secret: 'PROD_CXONE_SECRET' });
    const plan = await runCommand(['--env', 'production', 'plan'], { cwd: dir, env });
    expect(plan.stdout).toContain(
      '# queue-stats will be created (new definition; not in sandbox: no promotion needed)',
    );
    expect(plan.stdout).toContain('# agent-activity will be held back');
    const markdown = (await runCommand(['--env', 'production', 'plan', '--markdown'], { cwd: dir, env })).stdout;
    expect(markdown).toContain('new definition; not in sandbox: no promotion needed');
    const bypass = await runCommand(['--env', 'production', 'plan', '--ignore-promotion'], { cwd: dir, env });
    expect(bypass.stdout).toContain(
      '# agent-activity will be created (new definition; promotion ignored (--ignore-promotion)',
    );
    const applied = await runCommand(['--env', 'production', 'apply', '--auto-approve'], { cwd: dir, env });
    expect(applied.code, applied.stderr).toBe(0);
    expect(production.record().executions.map((e) => e.datasetId)).toEqual(['ds-queue']);
    expect(sandbox.record().requests).toHaveLength(0);
  });

  it("apply a saved plan only in the environment it was made for, and never over another's state", async () => {
    const sandbox = await startSimulator();
    const production = await startSimulator();
    const dir = repo(
      configOn(
        { sandbox, production },
        CONFIG.replace(
          '    apiUrl: https://api-na1.example.com\n',
          '    apiUrl: https://api-na1.example.com\n    promoteFrom: sandbox\n',
        ),
      ),
    );
    const env = {
      ...tenantEnvironment(sandbox, { id: 'CXONE_SANDBOX_CLIENT_ID', secret: 'CXONE_SANDBOX_CLIENT_SECRET' }),
      ...tenantEnvironment(production, { id: 'PROD_CXONE_ID', secret: 'PROD_CXONE_SECRET' }),
    };
    const saved = await runCommand(['--env', 'sandbox', 'plan', '--out', 'cxone-exports.sandbox.plan.json'], {
      cwd: dir,
      env,
    });
    expect(saved.stdout).toContain(
      'Apply exactly this plan with: cxone-exports --env sandbox apply cxone-exports.sandbox.plan.json',
    );
    // Issue 22, point 2: sandbox's plan applied with --env production submitted to production's tenant.
    for (const args of [['--env', 'production'], []]) {
      const refused = await runCommand([...args, 'apply', 'cxone-exports.sandbox.plan.json'], { cwd: dir, env });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('this plan was made for sandbox');
      expect(refused.stderr).toContain('cxone-exports --env sandbox apply cxone-exports.sandbox.plan.json');
    }
    expect(existsSync(join(dir, '.cxone-exports', 'production'))).toBe(false);
    expect(production.record().requests).toHaveLength(0);
    const applied = await runCommand(['--env', 'sandbox', 'apply', 'cxone-exports.sandbox.plan.json'], {
      cwd: dir,
      env,
    });
    expect(applied.code, applied.stderr).toBe(0);
    expect(sandbox.record().executions).toHaveLength(2);

    // A state copied under another environment's folder is refused before anything is read or sent.
    cpSync(join(dir, '.cxone-exports', 'sandbox'), join(dir, '.cxone-exports', 'production'), { recursive: true });
    const copied = await runCommand(['--env', 'production', 'apply', '--auto-approve', '--ignore-promotion'], {
      cwd: dir,
      env,
    });
    expect(copied.code).toBe(1);
    expect(copied.stderr).toContain(
      'Error: .cxone-exports/production/state.json belongs to environment sandbox, not production; nothing was read, written or sent',
    );
    expect(existsSync(join(dir, '.cxone-exports', 'production', 'state.lock'))).toBe(false);
    expect(production.record().requests).toHaveLength(0);
  });

  it('plan --env all plans each environment: a section each, one JSON document, one exit code for all', async () => {
    const dir = repo();
    const human = await runCommand(['--env', 'all', 'plan', '--detailed-exitcode'], { cwd: dir });
    expect(human.code).toBe(2);
    expect(human.stdout).toMatch(
      /Environment sandbox: API https:\/\/api-sandbox\.example\.com; state \.cxone-exports\/sandbox\/state\.json/,
    );
    expect(human.stdout).toMatch(
      /Environment production: API https:\/\/api-na1\.example\.com; state \.cxone-exports\/production\/state\.json/,
    );
    const json = JSON.parse((await runCommand(['--env', 'all', 'plan', '--json'], { cwd: dir })).stdout) as {
      environments: Record<string, { summary: { create: number } }>;
    };
    expect(Object.keys(json.environments)).toEqual(['sandbox', 'production']);
    expect(json.environments.sandbox!.summary.create).toBe(2);
    expect(json.environments.production!.summary.create).toBe(1);
    const markdown = (await runCommand(['--env', 'all', 'plan', '--markdown'], { cwd: dir })).stdout;
    expect(markdown.match(/<!-- cxone-exports-plan -->/g)).toHaveLength(1);
    // A roll-up at the top, each environment's details folded below.
    expect(markdown).toContain('| <code>sandbox</code> | 2 | 0 | 0 | 0 | 0 | 0 | 0 |');
    expect(markdown).toContain('| <code>production</code> | 1 | 0 | 0 | 0 | 0 | 0 | 0 |');
    expect(markdown).toContain('<details><summary><b>sandbox</b>: 2 to submit, 0 to forget</summary>');
    expect(markdown.indexOf('| <code>production</code>')).toBeLessThan(markdown.indexOf('<b>sandbox</b>'));
    const refused = await runCommand(['--env', 'all', 'state', 'list'], { cwd: dir });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /--env all selects several environments, which is for validate, plan, apply, refresh, serve, status, audit export and audit verify; state list works in one environment/,
    );
    expect(existsSync(join(dir, '.cxone-exports'))).toBe(false);
  });

  it('init --environments with a list sets up every tenant, promotions as given, with matrix workflows', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cxone-init-many-'));
    const list = 'acme-sandbox,acme-production:acme-sandbox,globex-sandbox,globex-production:globex-sandbox';
    const init = await runCommand(['init', '--environments', list], { cwd: dir });
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toContain('create the environments "acme-sandbox", "acme-production", "globex-sandbox" and');
    const config = parseDocument(readFileSync(join(dir, 'cxone-exports.config.yaml'), 'utf8')).toJS() as {
      environments: Record<string, { promoteFrom?: string }>;
    };
    expect(Object.keys(config.environments)).toEqual(list.split(',').map((item) => item.split(':')[0]));
    expect(config.environments['globex-production']!.promoteFrom).toBe('globex-sandbox');
    expect((await runCommand(['validate'], { cwd: dir })).code).toBe(0);
    const plan = await runCommand(['--env', 'all', 'plan'], { cwd: dir });
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain('1 held back until promoted');
    const apply = readFileSync(join(dir, '.github/workflows/cxone-exports-apply.yml'), 'utf8');
    expect(apply).toContain('group: cxone-exports-${{ matrix.environment }}');
    expect(apply).toContain("- { environment: globex-production, wait: 'false' }");
    for (const bad of ['acme-sandbox,acme-production:umbrella', 'Acme', 'a,a', 'a:b:c'])
      expect((await runCommand(['init', '--environments', bad], { cwd: mkdtempSync(join(tmpdir(), 'x-')) })).code).toBe(
        1,
      );
    const unknown = await runCommand(['init', '--environments', 'acme-production:umbrella'], {
      cwd: mkdtempSync(join(tmpdir(), 'cxone-init-bad-')),
    });
    expect(unknown.stderr).toContain(
      'acme-production is promoted from umbrella, which is not another environment of the list',
    );
  });

  it('init --environments sets up a sandbox and a production, with production held back until promoted', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cxone-init-env-'));
    expect((await runCommand(['init', '--environments'], { cwd: dir })).code).toBe(0);
    expect((await runCommand(['validate'], { cwd: dir })).code).toBe(0);
    const plan = await runCommand(['--env', 'all', 'plan'], { cwd: dir });
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain('Plan: 0 to submit, 0 to forget, 0 unchanged, 1 held back until promoted.');
    expect(readFileSync(join(dir, '.github/workflows/cxone-exports-apply.yml'), 'utf8')).toMatch(
      /with:\n\s+command: apply\n\s+environment: production\n/,
    );
    // Issue 22, point 5: the hints and the example named commands that need --env, and two hosts for one tenant.
    expect(readFileSync(join(dir, 'exports/example.yaml'), 'utf8')).toContain('`npx cxone-exports --env all plan`');
    const config = parseDocument(readFileSync(join(dir, 'cxone-exports.config.yaml'), 'utf8'));
    expect(config.get('apiUrl')).toBeUndefined();
    for (const name of ['sandbox', 'production'])
      expect([config.getIn(['environments', name, 'authUrl']), config.getIn(['environments', name, 'apiUrl'])]).toEqual(
        ['https://oauth.us1.cxone.com', 'https://api.us1.cxone.com'],
      );
    const noTerminal = await runCommand(['--env', 'sandbox', 'apply'], { cwd: dir });
    expect(noTerminal.stderr).toContain(
      'cxone-exports --env sandbox plan --out cxone-exports.sandbox.plan.json && cxone-exports --env sandbox apply cxone-exports.sandbox.plan.json',
    );
    // The file name the hint suggests is one init's .gitignore keeps out of Git.
    expect(readFileSync(join(dir, '.gitignore'), 'utf8')).toContain('\ncxone-exports.*.json\n');
  });

  it('leave a repository of the single-environment version as it was: its state plans to no changes', async () => {
    // Written by cxone-exports 0.1.0 before environments existed (see the fixture's README).
    const fixture = join(import.meta.dirname, '..', 'fixtures', 'upgrade', 'v0.1.0-single-environment');
    const dir = miniRepo({ '.git/HEAD': '' });
    cpSync(fixture, dir, { recursive: true });
    const state = join(dir, '.cxone-exports', 'state.json');
    const before = readFileSync(state, 'utf8');
    const sim = await startSimulator();
    try {
      const env = simEnvironment(sim);
      const plan = await runCommand(['plan', '--detailed-exitcode'], { cwd: dir });
      expect(plan.code, plan.stderr).toBe(0);
      expect(plan.stdout).toContain('No changes. Exports match the state.');
      const json = JSON.parse((await runCommand(['plan', '--json'], { cwd: dir })).stdout) as {
        summary: { create: number; update: number; noop: number };
      };
      expect(json.summary).toMatchObject({ create: 0, update: 0, noop: 5 });
      const applied = await runCommand(['apply', '--auto-approve'], { cwd: dir, env });
      expect(applied.code, applied.stderr).toBe(0);
      expect(sim.record().executions).toEqual([]);
      expect(readFileSync(state, 'utf8')).toBe(before);
      const status = await runCommand(['status'], { cwd: dir });
      expect(status.code, status.stderr).toBe(0);
      expect(status.stdout).toContain('billing-telephony-costs');
    } finally {
      await sim.stop();
    }
  });
});
