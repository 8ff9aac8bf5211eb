// A temporary exports repository wired to an in-process simulator, for apply tests.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AuditEvent } from '../../src/audit/audit-event.js';
import { LocalFileStore } from '../../src/state/local/local-file-store.js';
import type { State } from '../../src/state/state-model.js';
import type { CxoneSimulator } from '../../src/simulator/cxone-simulator.js';
import type { FakeClock } from './libfaketime.js';
import { definitionYaml, miniRepo } from './fixtures.js';
import { runCliAsync } from './run-cli.js';
import { runCommand } from './run-command.js';
import type { Clock } from '../../src/clock.js';
import { simEnvironment } from './simulator.js';

export interface ApplyRepoOptions {
  /** name -> data action id */
  exports: Record<string, string>;
  config?: string;
}

export function applyRepo(options: ApplyRepoOptions): string {
  const files: Record<string, string> = { '.git/HEAD': '' };
  for (const [name, dataActionId] of Object.entries(options.exports))
    files[`exports/${name}.yaml`] = definitionYaml(name).replace('dataActionId: da-1', `dataActionId: ${dataActionId}`);
  files['cxone-exports.config.yaml'] =
    options.config ?? 'apply:\n  spacingMs: 100\n  maxAttempts: 4\n  backoff: { baseMs: 20, capMs: 100 }\n';
  return miniRepo(files);
}

/** The CLI in `dir` against `sim`; `clock` (see clockAt) starts every run's clock at the same instant. */
export function cli(sim: CxoneSimulator, dir: string, extraEnv: Record<string, string> = {}, clock?: FakeClock) {
  return (args: string[], more: Parameters<typeof runCliAsync>[1] extends infer O ? Partial<O> : never = {}) =>
    runCliAsync(args, {
      cwd: dir,
      ...more,
      env: { ...simEnvironment(sim), ...clock?.env, ...extraEnv, ...(more.env ?? {}) },
    });
}

/**
 * The same commands run in this process (run-command.ts), for a test whose subject is not the process itself:
 * `clock` (see clockFrom) is the time every run sees.
 */
export function command(sim: CxoneSimulator, dir: string, extraEnv: Record<string, string> = {}, clock?: Clock) {
  return (args: string[], more: { env?: Record<string, string | undefined>; input?: string } = {}) =>
    runCommand(args, {
      cwd: dir,
      ...(more.input === undefined ? {} : { input: more.input }),
      ...(clock === undefined ? {} : { clock }),
      env: { ...simEnvironment(sim), ...extraEnv, ...(more.env ?? {}) },
    });
}

/** The stored state as every command sees it: state.json plus any logged patches after it. */
export async function readState(dir: string): Promise<State> {
  return (await new LocalFileStore({ stateDir: join(dir, '.cxone-exports') }).read()).state;
}

export function readAudit(dir: string): AuditEvent[] {
  return readFileSync(join(dir, '.cxone-exports', 'audit.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as AuditEvent);
}
