// A repository whose state holds a completed, a failed and a stale export (applied weeks ago: the daily one has
// missed every tick since), with what `status --json` says of them, for the status page's tests.

import { definitionYaml, miniRepo } from '../support/fixtures.js';
import { runCommand } from '../support/run-command.js';
import { simEnvironment, startSimulator } from '../support/simulator.js';
import { clockFrom } from '../support/test-clock.js';

export interface StatusRow {
  name: string;
  status: string;
  executionId: string;
  schedule?: { stale: boolean };
}

export async function threeExports(): Promise<{ dir: string; status: StatusRow[] }> {
  const sim = await startSimulator({
    lifecycle: { minDurationMs: 30, msPerMillionRows: 0, failureRate: 0, failingDataActions: ['da-bad'] },
  });
  const dir = miniRepo({
    'cxone-exports.config.yaml': 'apply:\n  spacingMs: 0\n',
    'exports/good.yaml': definitionYaml('good')
      .replace('datasetId: ds-1', 'datasetId: ds-good')
      .replace('  name: good\n', '  name: good\n  labels: { team: wfm }\n'),
    'exports/bad.yaml': definitionYaml('bad').replace('da-1', 'da-bad').replace('ds-1', 'ds-bad'),
    'exports/daily.yaml': definitionYaml(
      'daily',
      ['maxRows: 1000'],
      ['schedule:', '  cron: "0 6 * * *"', '  startingDeadline: 2h'],
    ).replace('ds-1', 'ds-daily'),
  });
  const applied = await runCommand(['apply', '--auto-approve', '--wait'], {
    cwd: dir,
    clock: clockFrom('2026-10-01T07:00:00Z'),
    env: simEnvironment(sim),
  });
  // bad's execution failed, so the apply is red; the state holds all three.
  if (applied.code !== 1) throw new Error(`the set-up's apply exited ${applied.code}: ${applied.stderr}`);
  const status = JSON.parse((await runCommand(['status', '--json'], { cwd: dir })).stdout) as {
    exports: StatusRow[];
  };
  return { dir, status: status.exports };
}
