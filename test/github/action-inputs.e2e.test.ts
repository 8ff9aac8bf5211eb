// The Action's inputs as its scripts meet them, before anything runs: an environment that would be a path, a
// command that would be a workflow command, sections that would be patterns. Each fails in one escaped ::error
// line and exit 1, and no file is touched, not even by the commit-back step that runs after a failed one.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const SCRIPTS = join(import.meta.dirname, '..', '..', '.github', 'scripts');

const workspaces: string[] = [];
afterEach(() => {
  for (const root of workspaces.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** A workspace with a file the bad inputs aim at, and a cxone-exports on PATH that records any call. */
function workspace() {
  const root = mkdtempSync(join(tmpdir(), 'cxone-action-inputs-'));
  workspaces.push(root);
  const work = join(root, 'a', 'b');
  mkdirSync(work, { recursive: true });
  writeFileSync(join(root, 'x.md'), 'kept\n');
  const bin = join(root, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'cxone-exports'), `#!/bin/sh\necho "$@" >> "${join(root, 'called')}"\n`, { mode: 0o755 });
  writeFileSync(join(bin, 'git'), `#!/bin/sh\necho "git $@" >> "${join(root, 'called')}"\n`, { mode: 0o755 });
  return { root, work, bin };
}

function runScript(script: string, inputs: Record<string, string>) {
  const { root, work, bin } = workspace();
  const run = spawnSync('bash', [join(SCRIPTS, script)], {
    cwd: work,
    env: { PATH: `${bin}:${process.env.PATH}`, ...inputs },
    encoding: 'utf8',
  });
  return { ...run, root, work };
}

const CASES: [string, Record<string, string>, string][] = [
  [
    'an environment that is a path, with comment false',
    { INPUT_COMMAND: 'plan', INPUT_ENVIRONMENT: '../../x', INPUT_COMMENT: 'false' },
    '::error title=cxone-exports::The input environment is "../../x"; it takes the name of an environment',
  ],
  [
    'a command that carries a workflow command',
    { INPUT_COMMAND: 'plan\n::warning::forged%' },
    '::error title=cxone-exports::The input command is "plan%0A::warning::forged%25"; it takes plan, apply, refresh or schedule.',
  ],
  [
    'sections that are patterns and paths',
    { INPUT_COMMAND: 'plan', INPUT_SECTIONS: 'sandbox * ../x' },
    '::error title=cxone-exports::The input sections holds "*"; it takes environment names separated by spaces.',
  ],
  [
    'all for apply',
    { INPUT_COMMAND: 'apply', INPUT_ENVIRONMENT: 'all' },
    '::error title=cxone-exports::The input environment is all, which only plan takes; apply acts on one environment.',
  ],
  [
    'a wait that is not a boolean',
    { INPUT_COMMAND: 'apply', INPUT_WAIT: 'yes' },
    '::error title=cxone-exports::The input wait is "yes"; it takes true or false.',
  ],
];

describe("the Action's inputs", () => {
  it.each(CASES)('%s: the command step fails in one line and touches nothing', (_name, inputs, error) => {
    const run = runScript('action-run.sh', inputs);
    expect(run.status).toBe(1);
    expect(run.stdout.split('\n').filter(Boolean)).toHaveLength(1);
    expect(run.stdout.startsWith(error)).toBe(true);
    expect(readFileSync(join(run.root, 'x.md'), 'utf8')).toBe('kept\n');
    expect(readdirSync(run.work)).toEqual([]);
    expect(existsSync(join(run.root, 'called'))).toBe(false);
  });

  it.each(CASES)('%s: the commit-back step that follows touches nothing either', (_name, inputs, error) => {
    const run = runScript('action-commit-back.sh', inputs);
    expect(run.status).toBe(1);
    expect(run.stdout.trim().startsWith(error)).toBe(true);
    expect(existsSync(join(run.root, 'called'))).toBe(false);
  });

  it('takes good inputs through to the command, sections as words', () => {
    const run = runScript('action-run.sh', { INPUT_COMMAND: 'refresh', INPUT_ENVIRONMENT: 'acme-production' });
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(readFileSync(join(run.root, 'called'), 'utf8')).toBe('--env acme-production refresh --lock-timeout 5m\n');

    const sections = runScript('action-run.sh', { INPUT_COMMAND: 'plan', INPUT_SECTIONS: ' sandbox  production ' });
    expect(sections.status, sections.stdout + sections.stderr).toBe(0);
    const comment = readFileSync(join(sections.work, 'cxone-exports.plan.md'), 'utf8');
    expect(comment.match(/^#### .*$/gm)).toEqual(['#### sandbox', '#### production']);
  });
});
