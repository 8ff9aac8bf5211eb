// The systemd units in deploy/systemd/: each passes `systemd-analyze verify` with the command they start
// pointed at this build, and the services are hardened (systemd's own exposure score, offline).

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const UNITS = join(ROOT, 'deploy', 'systemd');
const INSTALLED = '/usr/local/bin/cxone-exports';

/** The units as installed, with the command they start pointed at this build (verify checks it exists). */
function unitsHere(edit: (text: string) => string = (text) => text): string {
  const dir = mkdtempSync(join(tmpdir(), 'cxone-exports-units-'));
  for (const name of readdirSync(UNITS)) {
    const text = edit(
      readFileSync(join(UNITS, name), 'utf8').replaceAll(
        INSTALLED,
        `${process.execPath} ${join(ROOT, 'dist', 'cli', 'main.js')}`,
      ),
    );
    writeFileSync(join(dir, name), text);
    // A template is checked as an instance of it, as systemd runs it.
    if (name.includes('@.')) writeFileSync(join(dir, instanceOf(name)), text);
  }
  return dir;
}

/** The unit a template starts for the environment acme-production. */
function instanceOf(name: string): string {
  return name.replace('@.', '@acme-production.');
}

function analyze(dir: string, ...args: string[]): { status: number | null; output: string } {
  const result = spawnSync('systemd-analyze', args, { cwd: dir, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}`.trim() };
}

describe('systemd units', () => {
  const names = readdirSync(UNITS).sort();

  it('ships the receiver, the schedule and its timer, each starting the installed command', () => {
    expect(names).toEqual([
      'cxone-exports-schedule.service',
      'cxone-exports-schedule.timer',
      'cxone-exports-schedule@.service',
      'cxone-exports-schedule@.timer',
      'cxone-exports-serve.service',
      'cxone-exports-serve@.service',
    ]);
    for (const name of names.filter((n) => n.endsWith('.service')))
      expect(readFileSync(join(UNITS, name), 'utf8')).toMatch(new RegExp(`^ExecStart=${INSTALLED} `, 'm'));
  });

  it('passes systemd-analyze verify, the templates as an instance', () => {
    const dir = unitsHere();
    const checked = names.map((n) => `./${n.includes('@.') ? instanceOf(n) : n}`);
    expect(analyze(dir, 'verify', ...checked)).toEqual({ status: 0, output: '' });
  });

  it('templates take the environment from the instance, with its own secrets and timer', () => {
    for (const name of names.filter((n) => n.includes('@.service'))) {
      const text = readFileSync(join(UNITS, name), 'utf8');
      expect(text).toMatch(/^Environment=CXONE_EXPORTS_ENV=%i$/m);
      expect(text).toMatch(/^LoadCredential=CXONE:\/etc\/cxone-exports\/%i$/m);
    }
    expect(readFileSync(join(UNITS, 'cxone-exports-schedule@.timer'), 'utf8')).toMatch(
      /^Unit=cxone-exports-schedule@%i\.service$/m,
    );
  });

  it('is flagged by verify when a directive is misspelt (the check can fail)', () => {
    const dir = unitsHere((text) => text.replace('ProtectSystem=strict', 'ProtectSystm=strict'));
    expect(analyze(dir, 'verify', './cxone-exports-serve.service').output).toMatch(
      /Unknown key 'ProtectSystm' in section \[Service\]/,
    );
  });

  it.each(names.filter((n) => n.endsWith('.service')))('%s is hardened: exposure 2.0 or less', (name) => {
    const dir = unitsHere();
    const checked = name.includes('@.') ? instanceOf(name) : name;
    const { output } = analyze(dir, 'security', '--offline=true', '--no-pager', `./${checked}`);
    const exposure = /Overall exposure level for \S+: (\d+\.\d+)/.exec(output);
    expect(exposure, output).not.toBeNull();
    expect(Number(exposure![1])).toBeLessThanOrEqual(2.0);
    expect(readFileSync(join(UNITS, name), 'utf8')).toMatch(/^DynamicUser=yes$/m);
    expect(readFileSync(join(UNITS, name), 'utf8')).toMatch(/^LoadCredential=/m);
  });
});
