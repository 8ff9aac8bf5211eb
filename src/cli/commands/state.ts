// `cxone-exports state list | show NAME | rm NAME | unlock LOCK_ID`: look at and repair the state by hand.

import { stampEvent } from '../../audit/audit-event.js';
import { runIdentity } from '../../audit/run-identity.js';
import { closestMatch } from '../../diagnostics/did-you-mean.js';
import { UsageError } from '../../errors.js';
import { openStateStore } from '../../state/open-state-store.js';
import { lockState } from '../../state/lock-state.js';
import type { ExportState, State } from '../../state/state-model.js';
import type { CommandContext } from '../command-context.js';
import { lockTimeoutMs } from '../durations.js';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { mergeStates } from '../../state/merge-states.js';
import { parseState, serializeState } from '../../state/state-file-format.js';
import { writeFileDurably } from '../../files/durable-write.js';

export async function stateListCommand(ctx: CommandContext, options: { json?: boolean }): Promise<void> {
  const { state } = await openStateStore(await ctx.config(), ctx.cwd).read();
  const names = Object.keys(state.exports).sort();
  if (options.json === true) {
    ctx.logger.out(
      JSON.stringify(
        names.map((name) => ({ name, ...listRow(state.exports[name]!) })),
        null,
        2,
      ),
    );
    return;
  }
  if (names.length === 0) {
    ctx.logger.out('The state holds no exports yet. `cxone-exports apply` records them.');
    return;
  }
  const rows = [
    ['NAME', 'LAST ACTION', 'STATUS', 'WHEN'],
    ...names.map((name) => {
      const row = listRow(state.exports[name]!);
      return [name, row.lastAction, row.status ?? '-', row.when ?? '-'];
    }),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  ctx.logger.out(
    rows
      .map((r, index) => {
        const line = r
          .map((cell, i) => cell.padEnd(widths[i]!))
          .join('  ')
          .trimEnd();
        return index === 0 ? ctx.colors.bold(line) : line;
      })
      .join('\n'),
  );
}

function listRow(entry: ExportState): { lastAction: string; status: string | null; when: string | null } {
  if (entry.pending !== null)
    return { lastAction: 'submit (outcome unknown)', status: null, when: entry.pending.startedAt };
  const last = entry.lastExecution;
  if (last === null) return { lastAction: 'recorded', status: null, when: null };
  if (last.status === 'submit-failed')
    return { lastAction: 'submit failed', status: last.status, when: last.submittedAt };
  return { lastAction: 'submitted', status: last.status, when: last.completedAt ?? last.submittedAt };
}

export async function stateShowCommand(ctx: CommandContext, name: string, options: { json?: boolean }): Promise<void> {
  const { state } = await openStateStore(await ctx.config(), ctx.cwd).read();
  const entry = requireEntry(state, name);
  if (options.json === true) {
    ctx.logger.out(JSON.stringify({ name, ...entry }, null, 2));
    return;
  }
  const last = entry.lastExecution;
  const lines = [
    ctx.colors.bold(`# ${name}`),
    `definitionHash  ${entry.definitionHash}`,
    `source          ${entry.source.file}:${entry.source.line}`,
    `dataActionId    ${entry.spec.dataActionId}`,
    `datasetId       ${entry.spec.datasetId}`,
    `format          ${JSON.stringify(entry.spec.format)}`,
    `callbackUrl     ${entry.spec.callbackUrl ?? '(none)'}`,
    `pending         ${entry.pending === null ? '(none)' : `intent ${entry.pending.idempotencyKey} since ${entry.pending.startedAt}`}`,
    'lastExecution',
    ...(last === null
      ? ['  (none)']
      : [
          `  executionId     ${last.executionId ?? '(none)'}`,
          `  status          ${last.status}`,
          `  idempotencyKey  ${last.idempotencyKey}`,
          `  submittedAt     ${last.submittedAt}`,
          `  completedAt     ${last.completedAt ?? '-'}`,
          `  rowsExported    ${last.rowsExported ?? '-'}`,
          `  latencyMs       ${last.latencyMs ?? '-'}`,
          ...(last.error === null ? [] : [`  error           ${last.error}`]),
        ]),
  ];
  ctx.logger.out(lines.join('\n'));
}

export async function stateRmCommand(
  ctx: CommandContext,
  name: string,
  options: { lockTimeout?: string },
): Promise<void> {
  const config = await ctx.config();
  const store = openStateStore(config, ctx.cwd);
  const lock = await lockState(store, 'state rm', {
    timeoutMs: lockTimeoutMs(options.lockTimeout),
    onStaleLockBroken: (h) =>
      ctx.logger.warn(
        `Warning: broke a stale lock ${h.id} left by pid ${h.pid} (${h.operation}), which is no longer running.`,
      ),
  });
  try {
    const { state } = await store.read();
    const entry = requireEntry(state, name);
    const identity = runIdentity(ctx.env, ctx.cwd);
    const forget = stampEvent(identity, new Date().toISOString(), {
      event: 'state.forget',
      export: name,
      definitionHash: entry.definitionHash,
      executionId: entry.lastExecution?.executionId ?? null,
      reason: 'state rm',
    });
    // One commit: the line that says what is forgotten, and the removal (the line first, for the file store).
    const serial = await store.commit(
      { lineage: state.lineage, set: {}, remove: [name], events: [forget] },
      state.serial,
    );
    // state.json is what Git commits: fold the change into it now.
    await store.compact();
    const written = { serial };
    ctx.logger.info(
      `Removed ${name} from the state (serial ${state.serial} → ${written.serial}). CXone was not called; the next plan shows it as create if it is still defined.`,
    );
  } finally {
    await lock.release();
  }
}

export async function stateUnlockCommand(ctx: CommandContext, lockId: string): Promise<void> {
  const holder = await openStateStore(await ctx.config(), ctx.cwd).forceUnlock(lockId);
  ctx.logger.info(
    `Released lock ${holder.id}, held by ${holder.operation} (${holder.who}, pid ${holder.pid}) since ${holder.created}.`,
  );
}

function requireEntry(state: State, name: string): ExportState {
  const entry = state.exports[name];
  if (entry !== undefined) return entry;
  const names = Object.keys(state.exports).sort();
  const suggestion = closestMatch(name, names);
  throw new UsageError(
    `the state has no export named ${name}${suggestion === undefined ? '' : ` (did you mean ${suggestion}?)`}`,
    {
      hint: names.length === 0 ? 'The state is empty.' : 'List what it holds with: cxone-exports state list',
    },
  );
}

/** `state merge BASE OURS THEIRS`: Git's merge driver for state.json (see .gitattributes); writes into OURS. */
export async function stateMergeCommand(
  ctx: CommandContext,
  basePath: string,
  oursPath: string,
  theirsPath: string,
): Promise<void> {
  const load = async (path: string, label: string) => {
    const text = await readFile(resolve(ctx.cwd, path), 'utf8').catch(() => '');
    return text.trim() === '' ? undefined : parseState(text, `${label} (${path})`, 'the other side of the merge');
  };
  const [base, ours, theirs] = [
    await load(basePath, 'the merge base'),
    await load(oursPath, 'our state'),
    await load(theirsPath, 'their state'),
  ];
  if (ours === undefined || theirs === undefined)
    throw new UsageError('state merge needs both sides of the merge', {
      hint: 'Git calls this as the state.json merge driver: cxone-exports state merge %O %A %B',
    });
  const result = mergeStates(base, ours, theirs);
  if (!result.ok)
    throw new UsageError(`cannot merge the two states: ${result.reason}`, {
      hint: 'Resolve state.json by hand: keep the state with the lineage of main.',
    });
  await writeFileDurably(resolve(ctx.cwd, oursPath), serializeState(result.state));
  ctx.logger.info(
    `Merged the two states: ${Object.keys(result.state.exports).length} exports, serial ${result.state.serial}.`,
  );
}
