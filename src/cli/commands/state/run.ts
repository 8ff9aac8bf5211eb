// What the `cxone-exports state` commands do when they run: read, forget, unlock, list the files to commit,
// migrate and merge.

import { resolve } from 'node:path';
import { runIdentity } from '../../../audit/run-identity.js';
import { UsageError } from '../../../errors.js';
import { writeFileDurably } from '../../../files/durable-write.js';
import { runForget } from '../../../operations/forget-operation.js';
import { migrateState } from '../../../operations/migrate-operation.js';
import { openLocalStore } from '../../../state/open-state-store.js';
import { mergeStates } from '../../../state/merge-states.js';
import { requireEntry } from '../../../state/require-entry.js';
import { parseState, serializeState } from '../../../state/state-file-format.js';
import { hasCommitBackFiles } from '../../../state/state-store.js';
import type { CommandContext } from '../../command-context.js';
import { lockTimeoutMs } from '../../durations.js';
import {
  showCommitFiles,
  showMerged,
  showMigrated,
  showReleased,
  showRemoved,
  showStateEntry,
  showStateList,
} from './view.js';
import { stateAccessView } from '../../views/state-access-view.js';
import { withStateStore } from '../../with-state-store.js';
import { fsPromises } from '../../../on-first-use.js';

export async function listState(ctx: CommandContext, options: { json?: boolean }): Promise<void> {
  const { state } = await withStateStore(ctx, (store) => store.read());
  showStateList(ctx, state, { json: options.json === true });
}

export async function showState(ctx: CommandContext, name: string, options: { json?: boolean }): Promise<void> {
  const { state } = await withStateStore(ctx, (store) => store.read());
  showStateEntry(ctx, name, requireEntry(state, name), { json: options.json === true });
}

export async function removeFromState(
  ctx: CommandContext,
  name: string,
  options: { lockTimeout?: string },
): Promise<void> {
  const removed = await withStateStore(ctx, (store, config) =>
    runForget(
      {
        name: name,
        lockTimeoutMs: lockTimeoutMs(options.lockTimeout),
        identity: runIdentity(ctx.env, ctx.cwd, config.environment.name),
        clock: ctx.io.clock,
      },
      store,
      stateAccessView(ctx.logger),
    ),
  );
  showRemoved(ctx, removed);
}

export async function unlockState(ctx: CommandContext, lockId: string): Promise<void> {
  const holder = await withStateStore(ctx, (store) => store.forceUnlock(lockId));
  showReleased(ctx, holder);
}

export async function listCommitFiles(ctx: CommandContext): Promise<void> {
  // Only the local backend keeps the state in files. Another backend is not opened: a commit-back step that has
  // no database URL must still learn that there is nothing to commit.
  const config = await ctx.config();
  if (config.backend.type !== 'local') return;
  const store = openLocalStore(config, ctx.cwd);
  showCommitFiles(ctx, hasCommitBackFiles(store) ? store.commitBackFiles() : []);
}

export async function migrate(ctx: CommandContext, options: { from: string; lockTimeout?: string }): Promise<void> {
  const config = await ctx.config();
  if (config.backend.type === 'local')
    throw new UsageError('state migrate moves the local state into another backend, and this config uses local', {
      hint: 'Set backend: { type: pg } in the config first (docs/guides/state-backends.md), then migrate.',
    });
  const source = openLocalStore(config, ctx.cwd);
  const moved = await withStateStore(ctx, (target) =>
    migrateState(
      { lockTimeoutMs: lockTimeoutMs(options.lockTimeout), clock: ctx.io.clock },
      { source, target },
      stateAccessView(ctx.logger),
    ),
  );
  showMigrated(ctx, moved, source);
}

/** `state merge BASE OURS THEIRS`: Git's merge driver for state.json (see .gitattributes); writes into OURS. */
export async function mergeStateFiles(
  ctx: CommandContext,
  basePath: string,
  oursPath: string,
  theirsPath: string,
): Promise<void> {
  const load = async (path: string, label: string) => {
    const text = await fsPromises()
      .readFile(resolve(ctx.cwd, path), 'utf8')
      .catch(() => '');
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
  showMerged(ctx, result.state);
}
