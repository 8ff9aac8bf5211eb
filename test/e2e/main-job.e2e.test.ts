// `npm start`'s main job as a user sees it in a pipe: plain text, each step once, in order, and nothing left behind.

import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const MAIN_JOB = join(import.meta.dirname, '..', '..', 'dist', 'demo', 'main-job.js');
const demoDirs = () => new Set(readdirSync(tmpdir()).filter((name) => name.startsWith('cxone-exports-demo-')));

describe('the main job', () => {
  it('runs plan, apply, callbacks, refresh and status; plain with NO_COLOR; the plan shown once; no folder left', () => {
    const before = demoDirs();
    const result = spawnSync(process.execPath, [MAIN_JOB], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NO_COLOR: '1' },
      timeout: 120_000,
    });
    expect(result.status, result.stderr).toBe(0);
    const output = result.stdout + result.stderr;
    expect(output).not.toContain('\u001b[');
    expect(output.trimStart().startsWith('━━ cxone-exports main job')).toBe(true);
    expect(output.match(/will perform the following actions/g)).toHaveLength(1);
    expect(output).toContain('Applying the saved plan cxone-exports.plan.json.');
    expect(output).toMatch(/serve acknowledged 4 callbacks/);
    expect([...demoDirs()].filter((dir) => !before.has(dir))).toEqual([]);
  }, 150_000);
});
