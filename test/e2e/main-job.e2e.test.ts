// `npm start`'s main job as a user sees it in a pipe: two environments, each its own simulated tenant, production
// held back until sandbox completed; plain text, each step in order, and nothing left behind.

import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clockAt } from '../support/libfaketime.js';
import { testEnvironment } from '../support/run-cli.js';

const MAIN_JOB = join(import.meta.dirname, '..', '..', 'dist', 'demo', 'main-job.js');
const demoDirs = () => new Set(readdirSync(tmpdir()).filter((name) => name.startsWith('cxone-exports-demo-')));

describe('the main job', () => {
  it('applies sandbox, holds production back until sandbox completed, then applies it; plain; no folder left', () => {
    const before = demoDirs();
    // On a clock started far from any tick of the bundled schedules (a Wednesday, 10:20 UTC; every process the job
    // starts begins there too), so no scheduled run comes due while it runs and the last plan has nothing to do.
    const clock = clockAt('2026-10-07T10:20:00Z');
    const result = spawnSync(process.execPath, [MAIN_JOB], {
      encoding: 'utf8',
      env: { ...testEnvironment(), NO_COLOR: '1', ...clock.env },
      timeout: 120_000,
    });
    expect(result.status, result.stderr).toBe(0);
    const output = result.stdout + result.stderr;
    expect(output).not.toContain('\u001b[');
    expect(output.trimStart().startsWith('━━ cxone-exports main job')).toBe(true);
    const steps = [...output.matchAll(/^━━ (\d+)\./gm)].map((m) => Number(m[1]));
    expect(steps).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    expect(
      output.match(
        /^ {2}(sandbox|production) │ ✓ .*: the audit chain holds, \d+ lines checked; the tail matches the head the state records\.$/gm,
      ),
    ).toHaveLength(2);
    // Short enough to read: each plan once, a summary per step, and a last line that says it succeeded.
    expect(result.stdout.trimEnd().split('\n').length).toBeLessThanOrEqual(120);
    expect(result.stdout.trimEnd().split('\n').at(-1)).toMatch(/^✔ The main job succeeded: /);
    expect(output).not.toContain('SIGTERM received');
    expect(output.match(/^ {2}\w+ receiver stopped: \d+ state writes? this run$/gm)).toHaveLength(2);
    expect(output).toContain('  production: 5 held back until promoted\n');
    expect(output.match(/^\s+create\s+agent-activity-daily /gm)).toHaveLength(2);
    // Every command shown runs in the working copy, so it can be copied as it is.
    expect(output.match(/^\$ cxone-exports /gm)!.length).toBe(output.match(/^\$ cxone-exports -C \S+ /gm)!.length);
    expect(output.match(/Apply complete: 5 submitted, 0 failed, 0 skipped\./g)).toHaveLength(2);
    expect(output).toMatch(
      /Environment production: API http:\/\/127\.0\.0\.1:\d+; state \.cxone-exports\/production\/state\.json/,
    );
    expect(output.match(/No changes\. Exports match the state\./g)).toHaveLength(2);
    // The bundled exports carry schedules; the plans list their next runs.
    expect(output).toContain(
      '    create   agent-activity-daily         new           0 6 * * * (Europe/Berlin), next 2026-10-08T04:00:00.000Z',
    );
    expect(output).toMatch(/ran 5 in sandbox, 5 in production; the receivers acknowledged 8 callbacks/);
    expect([...demoDirs()].filter((dir) => !before.has(dir))).toEqual([]);
  }, 150_000);
});
