// `audit verify` after real applies, callbacks and refreshes, on the local files: the chain holds and says how
// many lines it checked; each way of rewriting the log fails naming the line; a cut tail is never written over;
// processes appending side by side chain one after another; a signed head proves who wrote it.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalFileStore } from '../../src/state/local/local-file-store.js';
import { applyRepo, command, readState } from '../support/apply-repo.js';
import { completion, postCallback, startReceiver } from '../support/receiver.js';
import { startSimulator } from '../support/simulator.js';
import { miniRepo } from '../support/fixtures.js';

const SECRET = 'whsec-audit-test';

/**
 * A repository after an apply of three exports, two callbacks (one refused) to a receiver holding no key, and a
 * refresh that records the other two ends (with the key, when one is given).
 */
async function appliedRepo(extraEnv: Record<string, string> = {}) {
  // Executions end at once: the callback reports one, and refresh finds the others ended.
  const sim = await startSimulator({ lifecycle: { minDurationMs: 0, msPerMillionRows: 0, failureRate: 0 } });
  const dir = applyRepo({ exports: { a: 'da-1', b: 'da-2', c: 'da-3' }, config: 'apply:\n  spacingMs: 0\n' });
  const run = command(sim, dir, extraEnv);
  const applied = await run(['apply', '--auto-approve']);
  expect(applied.code, applied.stderr).toBe(0);
  const state = await readState(dir);
  const receiver = await startReceiver(dir, { secrets: [SECRET] });
  const a = state.exports.a!.lastExecution!.executionId!;
  expect(await postCallback(receiver.url, completion(a), { secret: SECRET })).toMatchObject({ status: 200 });
  expect(await postCallback(receiver.url, completion(a), { secret: 'wrong' })).toMatchObject({ status: 401 });
  await receiver.recorder.close();
  const refreshed = await run(['refresh']);
  expect(refreshed.code, refreshed.stderr).toBe(0);
  return { dir, run, log: join(dir, '.cxone-exports', 'audit.jsonl') };
}

function lines(path: string): string[] {
  return readFileSync(path, 'utf8').split('\n').slice(0, -1);
}

describe('audit verify on the local files', () => {
  it('passes after applies, callbacks and refreshes, and names the line of every rewrite', async () => {
    const { run, log } = await appliedRepo();
    const written = lines(log);
    const events = written.map((line) => (JSON.parse(line) as { event: string }).event);
    expect(events).toContain('execution.submitted');
    expect(events).toContain('execution.completed');
    expect(events).toContain('callback.rejected');
    expect(events.filter((event) => event === 'execution.completed')).toHaveLength(3);
    const verified = await run(['audit', 'verify']);
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
    expect(verified.stdout).toContain(`the audit chain holds, ${written.length} lines checked`);
    const json = JSON.parse((await run(['audit', 'verify', '--json'])).stdout) as Record<string, unknown>;
    expect(json).toMatchObject({ valid: true, linesChecked: written.length, problem: null });

    const tampered = async (rewrite: (original: string[]) => string[]) => {
      writeFileSync(
        log,
        rewrite([...written])
          .map((line) => `${line}\n`)
          .join(''),
      );
      const result = await run(['audit', 'verify']);
      writeFileSync(log, written.map((line) => `${line}\n`).join(''));
      expect(result.code).toBe(1);
      return result.stdout;
    };
    // An edited field: the next line names the old hash.
    const edited = await tampered((l) =>
      l.map((line, i) => (i === 2 ? line.replace('"export":"', '"export":"x') : line)),
    );
    expect(edited).toMatch(/line 3 was changed after it was written: line 4 records its hash as [0-9a-f]{12}…/);
    // The last line edited: only the head the state records can tell.
    const last = await tampered((l) => [...l.slice(0, -1), l.at(-1)!.replace('"actor":"', '"actor":"x')]);
    expect(last).toContain(`line ${written.length} does not match the head the state records`);
    expect(await tampered((l) => l.filter((_, i) => i !== 3))).toContain(
      '1 line was removed after line 3: line 4 follows with sequence number 5, and sequence number 4 is missing',
    );
    expect(await tampered((l) => [...l.slice(0, 4), l[5]!, l[4]!, ...l.slice(6)])).toContain(
      'line 5 and line 6 are swapped: sequence number 6 comes before 5',
    );
    // A forged line, made like the real ones: the next number, and the hash of the line before it.
    const forged = (l: string[]) => [...l.slice(0, 2), l[2]!.replace('"export":"', '"export":"forged-'), ...l.slice(2)];
    expect(await tampered(forged)).toContain(
      'line 4 has sequence number 3 where 4 was due, as line 3 has: one of the two was inserted',
    );
    expect(
      await tampered((l) => [...l.slice(0, 2), '{"event":"execution.completed","export":"a"}', ...l.slice(2)]),
    ).toContain('line 3 has no chain fields, after the chain began');
    expect(await tampered((l) => l.slice(0, -2))).toContain(
      `the tail after line ${written.length - 2} is missing: the state's head is at sequence number ${written.length}, 2 lines further`,
    );
  });

  it('writes nothing onto a log whose tail was cut: the cut stays visible', async () => {
    const { dir, run, log } = await appliedRepo();
    const written = lines(log);
    writeFileSync(
      log,
      written
        .slice(0, -1)
        .map((line) => `${line}\n`)
        .join(''),
    );
    writeFileSync(
      join(dir, 'exports', 'd.yaml'),
      readFileSync(join(dir, 'exports', 'a.yaml'), 'utf8').replace(/name: a/, 'name: d'),
    );
    const refused = await run(['apply', '--auto-approve']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      `ends at sequence number ${written.length - 1}, but the state records its head at ${written.length}: the log's tail was cut, or the file replaced; nothing was written`,
    );
    expect(lines(log)).toEqual(written.slice(0, -1));
    expect((await run(['audit', 'verify'])).stdout).toContain(`the tail after line ${written.length - 1} is missing`);
  });

  it('proves with CXONE_AUDIT_KEY that the head was written by a holder of the key', async () => {
    const { run } = await appliedRepo({ CXONE_AUDIT_KEY: 'audit-key-1' });
    const signed = await run(['audit', 'verify'], { env: { CXONE_AUDIT_KEY: 'audit-key-1' } });
    expect(signed.code, signed.stdout).toBe(0);
    expect(signed.stdout).toContain('the tail matches the head the state records, signed with the key');
    const other = await run(['audit', 'verify'], { env: { CXONE_AUDIT_KEY: 'another-key' } });
    expect(other.code).toBe(1);
    expect(other.stdout).toContain('the head the state records is not signed with this key');
    expect(other.stdout + other.stderr).not.toContain('another-key');
    const unchecked = await run(['audit', 'verify'], { env: { CXONE_AUDIT_KEY: undefined } });
    expect(unchecked.code).toBe(0);
    expect(unchecked.stdout).toContain('The head is signed; set CXONE_AUDIT_KEY');
  });

  it('counts lines written before the chain as unchained, and chains what comes after them', async () => {
    const dir = miniRepo({});
    const stateDir = join(dir, '.cxone-exports');
    const log = join(stateDir, 'audit.jsonl');
    const old = {
      timestamp: '2026-01-01T00:00:00.000Z',
      event: 'state.forget' as const,
      export: 'x',
      actor: 'old',
      runId: 'r',
      toolVersion: '0.0.9',
    };
    const store = new LocalFileStore({ stateDir });
    mkdirSync(stateDir, { recursive: true });
    writeFileSync(log, `${JSON.stringify(old)}\n${JSON.stringify(old)}\n`);
    const { state } = await store.read();
    await store.commit(
      { lineage: state.lineage, set: {}, remove: ['gone'], events: [{ ...old, actor: 'new' }] },
      state.serial,
    );
    const sim = await startSimulator();
    const verified = await command(sim, dir)(['audit', 'verify']);
    expect(verified.code, verified.stdout).toBe(0);
    expect(verified.stdout).toContain('3 lines checked');
    expect(verified.stdout).toContain('The first 2 lines were written before the chain');
  });

  it('chains lines that two processes append side by side, one after the other', async () => {
    const dir = miniRepo({});
    const stateDir = join(dir, '.cxone-exports');
    const store = new LocalFileStore({ stateDir });
    await store.commit({ lineage: 'L', set: {}, remove: ['none'], events: [] }, 0);
    const dist = join(import.meta.dirname, '..', '..', 'dist', 'state', 'local', 'local-file-store.js');
    const writer = (who: string) =>
      spawn(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `const { LocalFileStore } = await import(${JSON.stringify(dist)});
           const store = new LocalFileStore({ stateDir: ${JSON.stringify(stateDir)} });
           for (let i = 0; i < 150; i++)
             await store.appendEvents([{ timestamp: new Date().toISOString(), event: 'callback.rejected', export: null, reason: ${JSON.stringify(who)}, actor: 'test', runId: ${JSON.stringify(who)}, toolVersion: '0' }]);`,
        ],
        { stdio: 'inherit' },
      );
    const writers = [writer('first'), writer('second')];
    const codes = await Promise.all(writers.map(async (child) => (await once(child, 'exit'))[0] as number));
    expect(codes).toEqual([0, 0]);
    const written = lines(join(stateDir, 'audit.jsonl'));
    expect(written).toHaveLength(300);
    const runs = written.map((line) => (JSON.parse(line) as { runId: string }).runId);
    expect(runs.filter((run) => run === 'first')).toHaveLength(150);
    const sim = await startSimulator();
    const verified = await command(sim, dir)(['audit', 'verify', '--json']);
    expect(JSON.parse(verified.stdout)).toMatchObject({ valid: true, linesChecked: 300, uncovered: 300 });
  });
});
