// Many tenants from one repository: three clients, each a sandbox and a production promoted from it, against six
// simulated tenants. `--env` selects several (a list, a pattern, all); apply, refresh and status run them side by
// side, productions after their sandboxes, one failure holding only what depends on it. In process, on loopback.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CxoneSimulator } from '../../src/simulator/cxone-simulator.js';
import { miniRepo } from '../support/fixtures.js';
import { runCommand } from '../support/run-command.js';
import { simEnvironment, startSimulator } from '../support/simulator.js';
import type { RunReport } from '../../src/cli/views/run-report.js';
import { createAjv, loadSchema } from '../../src/diagnostics/schema-validator.js';

const CLIENTS = ['acme', 'globex', 'initech'] as const;
const ENVIRONMENTS = CLIENTS.flatMap((client) => [`${client}-sandbox`, `${client}-production`]);

const DEFINITION = (name: string) => `apiVersion: cxone-exports/v1
kind: CsvExport
metadata:
  name: ${name}
spec:
  dataActionId: da-${name}
  datasetId: ds-${name}
  format: { maxRows: 1000 }
`;

/** Six tenants, the config that names them, and each one's credentials under its environment's names. */
async function sixTenants() {
  const tenants: Record<string, CxoneSimulator> = {};
  for (const environment of ENVIRONMENTS)
    tenants[environment] = await startSimulator({
      lifecycle: { minDurationMs: 30, msPerMillionRows: 0, failureRate: 0 },
    });
  const config = [
    'apply:',
    '  spacingMs: 0',
    '  maxAttempts: 2',
    '  backoff: { baseMs: 10, capMs: 20 }',
    'environments:',
    ...ENVIRONMENTS.flatMap((environment) => [
      `  ${environment}:`,
      `    apiUrl: ${tenants[environment]!.url}`,
      `    authUrl: ${tenants[environment]!.url}`,
      ...(environment.endsWith('-production')
        ? [`    promoteFrom: ${environment.replace('-production', '-sandbox')}`]
        : []),
    ]),
  ].join('\n');
  const env: Record<string, string> = {};
  for (const environment of ENVIRONMENTS) {
    const prefix = `CXONE_${environment.toUpperCase().replace(/-/g, '_')}_`;
    const credentials = simEnvironment(tenants[environment]!);
    env[`${prefix}CLIENT_ID`] = credentials.CXONE_CLIENT_ID!;
    env[`${prefix}CLIENT_SECRET`] = credentials.CXONE_CLIENT_SECRET!;
  }
  const dir = miniRepo({
    'cxone-exports.config.yaml': `${config}\n`,
    'exports/agents.yaml': DEFINITION('agents'),
    'exports/queues.yaml': DEFINITION('queues'),
  });
  const run = (args: string[]) => runCommand(args, { cwd: dir, env });
  return { tenants, dir, run };
}

const submitted = (sim: CxoneSimulator) =>
  sim
    .record()
    .executions.map((e) => e.datasetId)
    .sort();

describe('many tenants in one run', () => {
  it('applies every healthy tenant once, holds the production of a tenant that is down, reports, and exits 1', async () => {
    const { tenants, dir, run } = await sixTenants();
    // globex's sandbox is down: its port answers nothing.
    const globexUrl = tenants['globex-sandbox']!.url;
    await tenants['globex-sandbox']!.stop();

    const first = await run(['--env', 'all', 'apply', '--auto-approve', '--report', 'r.json']);
    expect(first.code).toBe(1);
    for (const environment of ['acme-sandbox', 'acme-production', 'initech-sandbox', 'initech-production'])
      expect(submitted(tenants[environment]!), environment).toEqual(['ds-agents', 'ds-queues']);
    expect(tenants['globex-production']!.record().requests).toHaveLength(0);

    // Productions start after their sandboxes have finished, and see what completed there in this run.
    for (const client of ['acme', 'initech']) {
      // The sandbox's last request is the status lookup that saw its last execution end.
      const sandboxLast = Math.max(...tenants[`${client}-sandbox`]!.record().requests.map((r) => r.receivedAt));
      const productionFirst = Math.min(...tenants[`${client}-production`]!.record().requests.map((r) => r.receivedAt));
      expect(productionFirst).toBeGreaterThan(sandboxLast);
    }
    // Every line about an environment names it; the summary ends the run.
    expect(first.stdout).toMatch(/^acme-production │ .*agents: submitted/m);
    expect(first.stderr).toMatch(/^globex-sandbox │ Error: /m);
    expect(first.stderr).toContain('globex-production │ held: its promotion source globex-sandbox failed in this run');
    expect(first.stdout).toContain('apply across 6 environments: 4 succeeded, 1 failed, 1 held.');
    expect(first.stdout).toMatch(/^acme-production\s+applied\s+2\s+0\s+0\s+0\s+/m);
    expect(first.stdout).toMatch(/^globex-sandbox\s+failed\s+0\s+0/m);
    expect(first.stdout).toMatch(/^globex-production\s+held\s+0/m);

    const report = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as RunReport;
    const validate = createAjv().compile(loadSchema('run-report.schema.json'));
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(report.outcome).toBe('failed');
    expect(report.environments.map((e) => [e.environment, e.outcome])).toEqual([
      ['acme-sandbox', 'applied'],
      ['acme-production', 'applied'],
      ['globex-sandbox', 'failed'],
      ['globex-production', 'held'],
      ['initech-sandbox', 'applied'],
      ['initech-production', 'applied'],
    ]);
    const acmeSandbox = report.environments[0]!;
    // The sandbox waited for its executions, since its production was in the run.
    expect(acmeSandbox.executions.map((e) => e.status)).toEqual(['completed', 'completed']);
    expect(report.environments[2]!.errors.join(' ')).toContain(globexUrl.replace(/\/$/, ''));

    // The tenant is back: only that client's exports are sent, and the run is green.
    const back = await startSimulator({
      port: Number(new URL(globexUrl).port),
      credentials: tenants['globex-sandbox']!.options.credentials,
      lifecycle: { minDurationMs: 30, msPerMillionRows: 0, failureRate: 0 },
    });
    const before = Object.fromEntries(ENVIRONMENTS.map((e) => [e, tenants[e]!.record().executions.length]));
    const second = await run(['--env', 'all', 'apply', '--auto-approve']);
    expect(second.code, second.stderr).toBe(0);
    expect(submitted(back)).toEqual(['ds-agents', 'ds-queues']);
    expect(submitted(tenants['globex-production']!)).toEqual(['ds-agents', 'ds-queues']);
    for (const environment of ['acme-sandbox', 'acme-production', 'initech-sandbox', 'initech-production'])
      expect(tenants[environment]!.record().executions).toHaveLength(before[environment]!);
    expect(second.stdout).toContain('apply across 6 environments: 6 succeeded, 0 failed, 0 held.');
  });

  it('answers a reviewer across tenants: which productions exported a dataset, and whether every audit holds', async () => {
    const { run } = await sixTenants();
    const applied = await run(['--env', 'all', 'apply', '--auto-approve']);
    expect(applied.code, applied.stderr).toBe(0);
    const productions = ENVIRONMENTS.filter((e) => e.endsWith('-production'));

    const table = await run([
      '--env',
      '*-production',
      'audit',
      'export',
      '--dataset',
      'ds-agents',
      '--format',
      'table',
    ]);
    expect(table.code, table.stderr).toBe(0);
    const [header, ...rows] = table.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^TIME +ENVIRONMENT +EVENT +EXPORT +EXECUTION +DATASET +DETAIL$/);
    // Each production's intent and submission of ds-agents, nothing of ds-queues, nothing of a sandbox.
    expect(rows).toHaveLength(productions.length * 2);
    for (const row of rows)
      expect(row).toMatch(/^\S+ \S+ +(\w+-production) +execution\.(intent|submitted) +agents +.*ds-agents/);
    expect(new Set(rows.map((row) => row.split(/ +/)[2]))).toEqual(new Set(productions));

    const lines = await run([
      '--env',
      'all',
      'audit',
      'export',
      '--event',
      'execution.submitted',
      '--export',
      'agents',
    ]);
    const submissions = lines.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(submissions.map((line) => line.environment)).toEqual(ENVIRONMENTS);
    for (const line of submissions)
      expect(line).toMatchObject({
        seq: expect.any(Number) as number,
        dataActionId: 'da-agents',
        datasetId: 'ds-agents',
        format: { format: 'csv', maxRows: 1000 },
      });

    const verified = await run(['--env', 'all', 'audit', 'verify']);
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
    expect(verified.stdout).toContain('audit verify across 6 environments: 6 succeeded, 0 failed, 0 held.');
  });

  it('selects what a pattern or a list says for plan, apply, refresh and status, and refuses what matches nothing', async () => {
    const { tenants, run } = await sixTenants();
    const pattern = await run(['--env', 'acme-*', 'apply', '--auto-approve']);
    expect(pattern.code, pattern.stderr).toBe(0);
    expect(ENVIRONMENTS.filter((e) => tenants[e]!.record().executions.length > 0)).toEqual([
      'acme-sandbox',
      'acme-production',
    ]);
    const list = await run(['--env', 'acme-sandbox,initech-production', 'plan']);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain('acme-sandbox');
    expect(list.stdout).toContain('initech-production');
    expect(list.stdout).not.toContain('globex');

    const status = await run(['--env', 'acme-sandbox,initech-production', 'status', '--json']);
    expect(status.code, status.stderr).toBe(0);
    const lines = status.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(
      lines
        .filter((l) => l.type !== 'run_summary')
        .map((l) => l.environment)
        .sort(),
    ).toEqual(['acme-sandbox', 'initech-production']);
    expect(lines.at(-1)).toMatchObject({ type: 'run_summary', command: 'status', outcome: 'succeeded' });

    const refresh = await run(['--env', '*-sandbox', 'refresh']);
    expect(refresh.code, refresh.stderr).toBe(0);
    expect(refresh.stdout).toContain('refresh across 3 environments: 3 succeeded, 0 failed, 0 held.');

    const none = await run(['--env', 'umbrella-*', 'apply', '--auto-approve']);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('--env umbrella-* matches no environment of this config');
    expect(none.stderr).toContain('This config defines acme-sandbox, acme-production, globex-sandbox');
    const capped = await run(['--env', 'all', '--max-environments', '2', 'apply', '--auto-approve']);
    expect(capped.code).toBe(1);
    expect(capped.stderr).toContain('--env all selects 6 environments, more than the 2 allowed');
    const oneOnly = await run(['--env', 'acme-*', 'state', 'list']);
    expect(oneOnly.code).toBe(1);
    expect(oneOnly.stderr).toContain('state list works in one environment');
    const unapproved = await run(['--env', 'acme-*', 'apply']);
    expect(unapproved.code).toBe(1);
    expect(unapproved.stderr).toContain('needs --auto-approve');
    // Nothing beyond acme was ever sent.
    for (const environment of ENVIRONMENTS.filter((e) => !e.startsWith('acme-')))
      expect(tenants[environment]!.record().executions, environment).toHaveLength(0);
  });

  it('writes a client once: appliesTo puts an export in the environments it names, and validate checks it', async () => {
    const { tenants, dir, run } = await sixTenants();
    writeFileSync(
      join(dir, 'exports', 'acme-billing.yaml'),
      `${DEFINITION('acme-billing')}appliesTo: [acme-*, initech-production]\n`,
    );
    const applied = await run(['--env', 'all', 'apply', '--auto-approve']);
    expect(applied.code, applied.stderr).toBe(0);
    const withBilling = ENVIRONMENTS.filter((e) => submitted(tenants[e]!).includes('ds-acme-billing'));
    expect(withBilling).toEqual(['acme-sandbox', 'acme-production', 'initech-production']);

    writeFileSync(
      join(dir, 'exports', 'typo.yaml'),
      `${DEFINITION('typo')}appliesTo:\n  - acme-sandbx\n  - umbrella-*\n`,
    );
    const checked = await run(['validate']);
    expect(checked.code).toBe(1);
    expect(checked.stdout).toContain('exports/typo.yaml');
    expect(checked.stdout).toMatch(
      /10:5 +error +typo: appliesTo: acme-sandbx names no environment of the config \(did you mean acme-sandbox\?\)/,
    );
    expect(checked.stdout).toContain('appliesTo: umbrella-* names no environment of the config');
  });

  it('rolls the plan comment up: a table of every environment on top, details folded below, within the limit', async () => {
    const environments = Array.from({ length: 60 }, (_, i) => `client${i}-${i % 2 === 0 ? 'sandbox' : 'production'}`);
    const files: Record<string, string> = {
      'cxone-exports.config.yaml': `environments:\n${environments.map((e) => `  ${e}: { apiUrl: https://api-na1.example.com }`).join('\n')}\n`,
    };
    for (let i = 0; i < 30; i++) files[`exports/e-${i}.yaml`] = DEFINITION(`e-${i}`);
    const dir = miniRepo(files);
    const result = await runCommand(['--env', 'all', 'plan', '--markdown'], { cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    const comment = result.stdout;
    expect(comment.length).toBeLessThan(65_536);
    expect(comment.match(/<!-- cxone-exports-plan -->/g)).toHaveLength(1);
    for (const environment of environments)
      expect(comment).toContain(`| <code>${environment}</code> | 30 | 0 | 0 | 0 | 0 | 0 | 0 |`);
    expect(comment).toContain('<details><summary><b>client0-sandbox</b>: 30 to submit, 0 to forget</summary>');
    expect(comment).toMatch(/The details of \d+ of 60 environments are left out to stay within GitHub's size limit/);
  });
});
