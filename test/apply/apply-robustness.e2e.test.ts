// apply when things around it go wrong: a prompt answered with Ctrl-C or Ctrl-D, Ctrl-C while waiting, a
// doctored saved plan, a damaged state log, a state directory that is a file, and many workers at once.

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalFileStore } from '../../src/state/local/local-file-store.js';
import { applyRepo, cli, command } from '../support/apply-repo.js';
import { reseal } from '../support/reseal.js';
import { CLI, runCliAsync, testEnvironment } from '../support/run-cli.js';
import type { CxoneSimulator } from '../../src/simulator/cxone-simulator.js';
import { simEnvironment, startSimulator } from '../support/simulator.js';
import { waitFor } from '../support/wait-for.js';

const NO_STACK = /^\s+at .+:\d+:\d+\)?$/m;

/**
 * Runs apply on a pseudo-terminal (util-linux `script`); at the approval prompt, `atPrompt` runs and returns what
 * to type.
 */
function applyAtPrompt(
  dir: string,
  atPrompt: string | (() => Promise<string>),
  env: Record<string, string> = {},
): Promise<{ code: number | null; output: string }> {
  const child = spawn('script', ['-qec', `${process.execPath} ${CLI} apply`, '/dev/null'], {
    cwd: dir,
    env: { ...testEnvironment(), ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  let typed = false;
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    if (!typed && output.includes("Only 'yes' is accepted")) {
      typed = true;
      void (typeof atPrompt === 'string' ? Promise.resolve(atPrompt) : atPrompt()).then((keys) =>
        child.stdin.write(keys),
      );
    }
  });
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, output })));
}

/** Two exports applied, then a's definition edited: the next plan updates a, and only a. */
async function appliedThenEdited(sim: CxoneSimulator) {
  const dir = applyRepo({ exports: { a: 'da-1', b: 'da-2' }, config: 'apply:\n  spacingMs: 0\n' });
  const run = cli(sim, dir);
  expect((await run(['apply', '--auto-approve'])).code).toBe(0);
  const file = join(dir, 'exports', 'a.yaml');
  writeFileSync(file, readFileSync(file, 'utf8').replace('maxRows: 1000', 'maxRows: 2000'));
  return { dir, run };
}

describe('apply when things go wrong', () => {
  it.each([
    ['Ctrl-C', '\x03'],
    ['Ctrl-D', '\x04'],
  ])('%s at the approval prompt cancels with exit 130, submits nothing and releases the lock', async (name, key) => {
    const dir = applyRepo({ exports: { a: 'da-1' } });
    const result = await applyAtPrompt(dir, key);
    expect(result.code).toBe(130);
    expect(result.output).toContain(
      `Apply cancelled (${name === 'Ctrl-C' ? 'Ctrl-C' : 'end of input'}): nothing was submitted.`,
    );
    expect(result.output).not.toMatch(/Internal error|AbortError/);
    expect(existsSync(join(dir, '.cxone-exports', 'state.lock'))).toBe(false);
  });

  it('holds no lock while asking, and refuses when the state moved before the answer', async () => {
    const sim = await startSimulator();
    const { dir, run } = await appliedThenEdited(sim);
    let lockedWhileAsking: boolean | undefined;
    const result = await applyAtPrompt(
      dir,
      async () => {
        lockedWhileAsking = existsSync(join(dir, '.cxone-exports', 'state.lock'));
        // Someone else changes the state while the plan is being read: here, a state rm takes the lock at once.
        expect((await run(['state', 'rm', 'b'])).code).toBe(0);
        return 'yes\r';
      },
      simEnvironment(sim),
    );
    expect(lockedWhileAsking).toBe(false);
    expect(result.code).toBe(1);
    expect(result.output).toMatch(
      /the state moved on \(serial \d+ → \d+\) and the plan changed: b was no-op, is now create while the plan was being reviewed, so nothing was submitted/,
    );
    expect(sim.record().executions).toHaveLength(2);
    expect(existsSync(join(dir, '.cxone-exports', 'state.lock'))).toBe(false);
  });

  it('goes ahead when what moved during the review (a recorded callback) leaves the plan as it was', async () => {
    const sim = await startSimulator({ lifecycle: { minDurationMs: 600_000, msPerMillionRows: 0, failureRate: 0 } });
    const { dir } = await appliedThenEdited(sim);
    const result = await applyAtPrompt(
      dir,
      async () => {
        // serve records b's completion meanwhile: the serial moves, the plan does not.
        const store = new LocalFileStore({ stateDir: join(dir, '.cxone-exports') });
        const { state } = await store.read();
        const b = state.exports.b!;
        await store.commit(
          {
            lineage: state.lineage,
            set: {
              b: {
                ...b,
                lastExecution: { ...b.lastExecution!, status: 'completed', completedAt: new Date().toISOString() },
              },
            },
            remove: [],
            events: [],
          },
          state.serial,
        );
        return 'yes\r';
      },
      simEnvironment(sim),
    );
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain('Apply complete: 1 submitted, 0 failed, 0 skipped.');
    expect(sim.record().executions).toHaveLength(3);
  });

  it('with --json and no terminal, fails on approval before printing anything', async () => {
    const sim = await startSimulator();
    const dir = applyRepo({ exports: { a: 'da-1' } });
    const result = await command(sim, dir)(['apply', '--json']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('apply needs approval, and there is no terminal to ask in');
  });

  it('refuses loopback callback URLs when apiUrl is a remote CXone, before any request, unless allowed', async () => {
    const dir = applyRepo({
      exports: { a: 'da-1' },
      config:
        'apiUrl: https://api.example.invalid\nauthUrl: https://auth.example.invalid\ndefaults:\n  callbackUrl: http://127.0.0.1:8080/webhook/cxone-callback\n',
    });
    const env = { CXONE_CLIENT_ID: 'id', CXONE_CLIENT_SECRET: 'secret-value' };
    const refused = await runCliAsync(['apply', '--auto-approve'], { cwd: dir, env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      'these callback URLs point at this machine, but apiUrl is https://api.example.invalid, so CXone cannot reach them:\n  http://127.0.0.1:8080/webhook/cxone-callback: a',
    );
    expect(refused.stderr).toContain('--allow-loopback-callbacks');
    const planned = await runCliAsync(['plan'], { cwd: dir, env });
    expect(planned.code).toBe(0);
    expect(planned.stderr).toMatch(/^Warning: these callback URLs point at this machine/);
  });

  it('Ctrl-C while waiting for completion stops waiting, prints the summary and exits 130', async () => {
    const sim = await startSimulator({ lifecycle: { minDurationMs: 600_000, msPerMillionRows: 0, failureRate: 0 } });
    const dir = applyRepo({ exports: { a: 'da-1', b: 'da-2' }, config: 'apply:\n  spacingMs: 0\n' });
    const result = await cli(sim, dir)(['apply', '--auto-approve', '--wait'], {
      onSpawn: (child) => {
        let seen = '';
        let sent = false;
        child.stdout?.on('data', (chunk: Buffer) => {
          seen += chunk.toString();
          // One Ctrl-C only: a second one ends the process at once, by design.
          if (!sent && seen.includes('Waiting up to')) {
            sent = true;
            child.kill('SIGINT');
          }
        });
      },
    });
    expect(result.code).toBe(130);
    expect(result.stderr).not.toMatch(/Internal error|RequestAborted/);
    expect(result.stderr).toContain('Stopped waiting: 2 executions had not finished');
    expect(result.stdout).toContain('Apply complete: 2 submitted, 0 failed, 0 skipped.');
    expect(existsSync(join(dir, '.cxone-exports', 'state.lock'))).toBe(false);
  });

  it('Ctrl-C starts nothing new: exports waiting for their slot are withdrawn and reported skipped', async () => {
    // Issue 23, point 2: with a long spacing, the exports waiting for their slot still left after Ctrl-C.
    // One request per 1000 s: once the first has gone, the others wait for their slot with their intents written.
    const dir = applyRepo({
      exports: { a: 'da-1', b: 'da-2', c: 'da-3' },
      config: 'apply:\n  spacingMs: 0\n  concurrency: 3\n  maxRequestsPerSecond: 0.001\n',
    });
    const intents = () =>
      (existsSync(join(dir, '.cxone-exports', 'audit.jsonl'))
        ? readFileSync(join(dir, '.cxone-exports', 'audit.jsonl'), 'utf8')
        : ''
      ).split('"execution.intent"').length - 1;
    let child: ChildProcess | undefined;
    const sim = await startSimulator({
      onSubmission: async ({ phase }) => {
        // The first request is held until all three intents are written; once CXone has made its execution,
        // Ctrl-C comes while the other two wait for their slot.
        if (phase === 'received') await waitFor(() => intents() === 3, 'the three intents');
        if (phase === 'created') child?.kill('SIGINT');
        return undefined;
      },
    });
    const result = await cli(sim, dir)(['apply', '--auto-approve'], { onSpawn: (spawned) => (child = spawned) });
    expect(result.code).toBe(130);
    expect(sim.record().executions).toHaveLength(1);
    expect(result.stdout).toContain('Apply complete: 1 submitted, 0 failed, 2 skipped.');
    const state = new LocalFileStore({ stateDir: join(dir, '.cxone-exports') });
    const { exports } = (await state.read()).state;
    // The two that waited hold no intent: the next plan creates them, under fresh keys.
    expect(Object.values(exports).filter((entry) => entry.pending !== null)).toEqual([]);
    expect(Object.keys(exports)).toHaveLength(1);
    const audit = readFileSync(join(dir, '.cxone-exports', 'audit.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { event: string; reason?: string });
    expect(audit.filter((e) => e.event === 'execution.failed').map((e) => e.reason)).toEqual([
      'interrupted',
      'interrupted',
    ]);
    expect(existsSync(join(dir, '.cxone-exports', 'state.lock'))).toBe(false);
  });

  it('refuses a resealed saved plan that names an export no definition holds, and keeps no lock', async () => {
    const sim = await startSimulator();
    const dir = applyRepo({ exports: { a: 'da-1' } });
    const run = command(sim, dir);
    expect((await run(['plan', '--out', 'plan.json'])).code).toBe(0);
    const plan = JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8')) as { changes: Record<string, unknown>[] };
    plan.changes.push({ ...plan.changes[0], name: 'ghost' });
    writeFileSync(join(dir, 'plan.json'), JSON.stringify(reseal(plan)));
    const result = await run(['apply', 'plan.json']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('the plan names export ghost, which no definition holds');
    expect(result.stderr).not.toMatch(NO_STACK);
    expect(existsSync(join(dir, '.cxone-exports', 'state.lock'))).toBe(false);
    expect(sim.record().executions).toHaveLength(0);
  });

  it('refuses a saved plan resealed to turn a no-op into an update, whatever the serial, and sends nothing', async () => {
    const sim = await startSimulator();
    const dir = applyRepo({ exports: { a: 'da-1', b: 'da-2' }, config: 'apply:\n  spacingMs: 0\n' });
    const run = command(sim, dir);
    expect((await run(['apply', '--auto-approve'])).code).toBe(0);
    expect((await run(['plan', '--out', 'plan.json'])).code).toBe(0);
    const plan = JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8')) as {
      changes: Record<string, unknown>[];
      summary: Record<string, number>;
    };
    const b = plan.changes.find((c) => c.name === 'b')!;
    Object.assign(b, { action: 'update', reason: 'definition-changed' });
    plan.summary = { ...plan.summary, update: 1, noop: plan.summary.noop! - 1 };
    writeFileSync(join(dir, 'plan.json'), JSON.stringify(reseal(plan)));

    const result = await run(['apply', 'plan.json']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('plan.json is not the plan computed now from the state and the definitions');
    expect(result.stderr).toContain('export b is update in the file, no-op in the plan now');
    expect(result.stderr).not.toMatch(NO_STACK);
    expect(sim.record().executions).toHaveLength(2);
    expect(existsSync(join(dir, '.cxone-exports', 'state.lock'))).toBe(false);

    // The same file unedited applies: nothing to do, and nothing is sent.
    expect((await run(['plan', '--out', 'plan.json'])).code).toBe(0);
    expect((await run(['apply', 'plan.json'])).code).toBe(0);
    expect(sim.record().executions).toHaveLength(2);
  });

  it('refuses a resealed saved plan whose change differs in what it would send', async () => {
    const sim = await startSimulator();
    const { dir, run } = await appliedThenEdited(sim);
    expect((await run(['plan', '--out', 'plan.json'])).code).toBe(0);
    const plan = JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8')) as { changes: Record<string, unknown>[] };
    const a = plan.changes.find((c) => c.name === 'a')! as { dataActionId: string };
    a.dataActionId = 'da-someone-elses';
    writeFileSync(join(dir, 'plan.json'), JSON.stringify(reseal(plan)));
    const result = await run(['apply', 'plan.json']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('export a (update) differs from the plan now in dataActionId');
    expect(sim.record().executions).toHaveLength(2);
  });

  it('refuses a saved plan without definitionHashes as incomplete', async () => {
    const sim = await startSimulator();
    const dir = applyRepo({ exports: { a: 'da-1' } });
    const run = command(sim, dir);
    await run(['plan', '--out', 'plan.json']);
    const plan = JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8')) as Record<string, unknown>;
    delete plan.definitionHashes;
    writeFileSync(join(dir, 'plan.json'), JSON.stringify(reseal(plan)));
    const result = await run(['apply', 'plan.json']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'plan.json is not a complete saved plan: definitionHashes is missing or of the wrong type',
    );
    expect(result.stderr).not.toMatch(NO_STACK);
  });

  it.each([
    ['null', 'null'],
    ['a record without remove', '{"lineage":"L","serial":2,"set":{}}'],
  ])('names a state log line that is %s, and changes nothing', async (_name, line) => {
    const sim = await startSimulator();
    const dir = applyRepo({ exports: { a: 'da-1' }, config: 'apply:\n  spacingMs: 0\n' });
    const run = command(sim, dir);
    expect((await run(['apply', '--auto-approve'])).code).toBe(0);
    const lineage = (JSON.parse(readFileSync(join(dir, '.cxone-exports', 'state.json'), 'utf8')) as { lineage: string })
      .lineage;
    writeFileSync(join(dir, '.cxone-exports', 'state.wal'), `${line.replace('"L"', JSON.stringify(lineage))}\n`);
    for (const args of [['plan'], ['status'], ['apply', '--auto-approve']]) {
      const result = await run(args);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/\.cxone-exports\/state\.wal:1 is not (a JSON line|a state log record)/);
      expect(result.stderr).not.toMatch(NO_STACK);
    }
  });

  it('tells a stateDir that is a file as a problem with the path', async () => {
    const sim = await startSimulator();
    const dir = applyRepo({ exports: { a: 'da-1' }, config: 'stateDir: not-a-dir\n' });
    writeFileSync(join(dir, 'not-a-dir'), 'x');
    const result = await command(sim, dir)(['apply', '--auto-approve']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /Error: cannot .*not-a-dir.*(a part of the path is a file|something else already exists)/,
    );
    expect(result.stderr).not.toMatch(/Internal error/);
  });

  it('runs 16 workers at once without a MaxListenersExceededWarning', async () => {
    const sim = await startSimulator();
    const exports = Object.fromEntries(Array.from({ length: 24 }, (_, i) => [`e${i}`, `da-${i}`]));
    const dir = applyRepo({ exports, config: 'apply:\n  concurrency: 16\n  spacingMs: 0\n' });
    const result = await command(sim, dir)(['apply', '--auto-approve']);
    expect(result.code).toBe(0);
    expect(result.stderr).not.toContain('MaxListenersExceededWarning');
  });
});
