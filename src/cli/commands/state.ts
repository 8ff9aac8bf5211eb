// `cxone-exports state list | show NAME | rm NAME | unlock LOCK_ID | merge`: look at and repair the state by hand.

import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Option } from 'commander';
import { runIdentity } from '../../audit/run-identity.js';
import { systemClock } from '../../clock.js';
import { UsageError } from '../../errors.js';
import { writeFileDurably } from '../../files/durable-write.js';
import { runForget } from '../../operations/forget-operation.js';
import { mergeStates } from '../../state/merge-states.js';
import { openStateStore } from '../../state/open-state-store.js';
import { requireEntry } from '../../state/require-entry.js';
import { hasCommitBackFiles } from '../../state/state-store.js';
import { parseState, serializeState } from '../../state/state-file-format.js';
import type { CommandDescriptor } from '../command-descriptor.js';
import type { CommandContext } from '../command-context.js';
import { lockTimeoutMs } from '../durations.js';
import { showStateEntry, showStateList } from '../views/state-views.js';
import { stateAccessView } from '../views/state-access-view.js';

const jsonOption = () => new Option('--json', 'print JSON');

export const stateListCommand: CommandDescriptor<{ json?: boolean }> = {
  path: ['state', 'list'],
  description: 'every export in the state: last action, last execution status, and when',
  options: [jsonOption()],
  run: async (ctx, _args, options) => {
    const { state } = await openStateStore(await ctx.config(), ctx.cwd).read();
    showStateList(ctx, state, { json: options.json === true });
  },
};

export const stateShowCommand: CommandDescriptor<{ json?: boolean }> = {
  path: ['state', 'show'],
  description: "one export's full state entry",
  arguments: [{ name: '<name>', description: 'export name' }],
  options: [jsonOption()],
  run: async (ctx, [name], options) => {
    const { state } = await openStateStore(await ctx.config(), ctx.cwd).read();
    showStateEntry(ctx, name as string, requireEntry(state, name as string), { json: options.json === true });
  },
};

export const stateRmCommand: CommandDescriptor<{ lockTimeout?: string }> = {
  path: ['state', 'rm'],
  description: 'forget an export (under the lock, audited); CXone is not called',
  arguments: [{ name: '<name>', description: 'export name' }],
  options: [new Option('--lock-timeout <duration>', 'wait this long for the state lock (e.g. 30s, 5m)')],
  run: async (ctx, [name], options) => {
    const config = await ctx.config();
    const removed = await runForget(
      {
        name: name as string,
        lockTimeoutMs: lockTimeoutMs(options.lockTimeout),
        identity: runIdentity(ctx.env, ctx.cwd),
        clock: systemClock,
      },
      openStateStore(config, ctx.cwd),
      stateAccessView(ctx.logger),
    );
    ctx.logger.info(
      `Removed ${removed.name} from the state (serial ${removed.serialBefore} → ${removed.serialAfter}). CXone was not called; the next plan shows it as create if it is still defined.`,
    );
  },
};

export const stateUnlockCommand: CommandDescriptor = {
  path: ['state', 'unlock'],
  description: 'release a lock left behind by a command that is gone (only the lock with this id)',
  arguments: [{ name: '<lockId>', description: 'the id printed in the lock message' }],
  run: async (ctx, [lockId]) => {
    const holder = await openStateStore(await ctx.config(), ctx.cwd).forceUnlock(lockId as string);
    ctx.logger.info(
      `Released lock ${holder.id}, held by ${holder.operation} (${holder.who}, pid ${holder.pid}) since ${holder.created}.`,
    );
  },
};

export const stateCommitFilesCommand: CommandDescriptor = {
  path: ['state', 'commit-files'],
  hidden: true,
  description: 'the files a Git commit-back of the state must include, one per line (none for a database)',
  run: async (ctx) => {
    const store = openStateStore(await ctx.config(), ctx.cwd);
    if (hasCommitBackFiles(store)) for (const file of store.commitBackFiles()) ctx.logger.out(file);
  },
};

export const stateMergeCommand: CommandDescriptor = {
  path: ['state', 'merge'],
  hidden: true,
  description: "Git's merge driver for state.json: cxone-exports state merge %O %A %B",
  arguments: [{ name: '<base>' }, { name: '<ours>' }, { name: '<theirs>' }],
  run: (ctx, [base, ours, theirs]) => mergeStateFiles(ctx, base as string, ours as string, theirs as string),
};

/** `state merge BASE OURS THEIRS`: Git's merge driver for state.json (see .gitattributes); writes into OURS. */
async function mergeStateFiles(
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
