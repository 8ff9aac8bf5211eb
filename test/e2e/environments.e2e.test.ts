// Environments from one repository: a sandbox and a production tenant, each with its own credentials, API and
// state, never chosen implicitly, each export's spec merged with that environment's overrides.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExportState } from '../../src/state/state-model.js';
import { miniRepo } from '../support/fixtures.js';
import { runCliAsync } from '../support/run-cli.js';
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

function repo(): string {
  return miniRepo({
    'cxone-exports.config.yaml': CONFIG,
    'exports/agent-activity.yaml': DEFINITION,
    'exports/queue-stats.yaml': LATER,
  });
}

/** The simulator as one environment's tenant: its URLs and credentials under that environment's names. */
function tenantEnvironment(sim: CxoneSimulator, names: { id: string; secret: string }): Record<string, string> {
  const env = simEnvironment(sim);
  return {
    CXONE_API_URL: env.CXONE_API_URL!,
    CXONE_AUTH_URL: env.CXONE_AUTH_URL!,
    [names.id]: env.CXONE_CLIENT_ID!,
    [names.secret]: env.CXONE_CLIENT_SECRET!,
  };
}

function stateOf(dir: string, environment: string): Record<string, ExportState> {
  const path = join(dir, '.cxone-exports', environment, 'state.json');
  return (JSON.parse(readFileSync(path, 'utf8')) as { exports: Record<string, ExportState> }).exports;
}

describe('environments', () => {
  it('refuse to read or write a state until --env names one, listing them', async () => {
    const dir = repo();
    for (const args of [['plan'], ['apply', '--auto-approve'], ['status'], ['state', 'list']]) {
      const result = await runCliAsync(args, { cwd: dir });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        'this config defines the environments sandbox, production; say which one with --env',
      );
    }
    expect(existsSync(join(dir, '.cxone-exports'))).toBe(false);
    const typo = await runCliAsync(['--env', 'prod', 'plan'], { cwd: dir });
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain('--env prod is not an environment of this config (did you mean production?)');
  });

  it('apply each environment with its own credentials, ids and state, and say where before anything is sent', async () => {
    const sandbox = await startSimulator();
    const production = await startSimulator();
    const dir = repo();
    const inSandbox = await runCliAsync(['--env', 'sandbox', 'apply', '--auto-approve'], {
      cwd: dir,
      env: tenantEnvironment(sandbox, { id: 'CXONE_SANDBOX_CLIENT_ID', secret: 'CXONE_SANDBOX_CLIENT_SECRET' }),
    });
    expect(inSandbox.code, inSandbox.stderr).toBe(0);
    expect(inSandbox.stdout).toMatch(
      /Environment sandbox: API http:\/\/127\.0\.0\.1:\d+ \(from CXONE_API_URL in the environment, not the config\); state \.cxone-exports\/sandbox\/state\.json/,
    );
    const sandboxSent = sandbox
      .record()
      .executions.map((e) => [e.datasetId, (e.payload as { export: { maxRows: number } }).export.maxRows]);
    expect(sandboxSent.sort()).toEqual([
      ['ds-agent-activity-sbx', 10000],
      ['ds-queue', 500],
    ]);

    // Production's credentials are under its own names: the sandbox's are not a fall-back.
    const wrongNames = await runCliAsync(['--env', 'production', 'apply', '--auto-approve'], {
      cwd: dir,
      env: tenantEnvironment(production, { id: 'CXONE_SANDBOX_CLIENT_ID', secret: 'CXONE_SANDBOX_CLIENT_SECRET' }),
    });
    expect(wrongNames.code).toBe(1);
    expect(wrongNames.stderr).toContain('missing credentials: set PROD_CXONE_ID, PROD_CXONE_SECRET');
    expect(production.record().requests).toHaveLength(0);

    const inProduction = await runCliAsync(['--env', 'production', 'apply', '--auto-approve'], {
      cwd: dir,
      env: tenantEnvironment(production, { id: 'PROD_CXONE_ID', secret: 'PROD_CXONE_SECRET' }),
    });
    expect(inProduction.code, inProduction.stderr).toBe(0);
    expect(production.record().executions.map((e) => e.datasetId)).toEqual(['ds-agent-activity']);
    expect(Object.keys(stateOf(dir, 'sandbox')).sort()).toEqual(['agent-activity', 'queue-stats']);
    expect(Object.keys(stateOf(dir, 'production'))).toEqual(['agent-activity']);
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
    const result = await runCliAsync(['validate'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /11:\d+ +error +agent-activity: spec\.format\.maxRows must be ≥ 1, not 0 \(in sandbox\)/,
    );
    expect(result.stdout).toContain('environments.staging: staging is not an environment of the config');
  });
});
