// `cxone-exports state list | show NAME | rm NAME | unlock LOCK_ID | migrate | merge`: look at, repair and move
// the state by hand. Their flags; what they do is in ./run.ts.

import { Option } from 'commander';
import type { CommandDescriptor } from '../../command-descriptor.js';

const jsonOption = () => new Option('--json', 'print JSON');

export const stateListCommand: CommandDescriptor<{ json?: boolean }> = {
  path: ['state', 'list'],
  needsEnvironment: true,
  description: 'every export in the state: last action, last execution status, and when',
  examples: [{ command: 'cxone-exports --env production state list', does: 'what the state holds' }],
  options: [jsonOption()],
  run: async (ctx, _args, options) => (await import('./run.js')).listState(ctx, options),
};

export const stateShowCommand: CommandDescriptor<{ json?: boolean }> = {
  path: ['state', 'show'],
  needsEnvironment: true,
  description: "one export's full state entry",
  examples: [{ command: 'cxone-exports state show agent-activity-daily', does: 'one entry, as JSON' }],
  arguments: [{ name: '<name>', description: 'export name' }],
  options: [jsonOption()],
  run: async (ctx, [name], options) => (await import('./run.js')).showState(ctx, name as string, options),
};

export const stateRmCommand: CommandDescriptor<{ lockTimeout?: string }> = {
  path: ['state', 'rm'],
  needsEnvironment: true,
  description: 'forget an export (under the lock, audited); CXone is not called',
  examples: [
    { command: 'cxone-exports state rm old-export', does: 'the next plan creates it again if it is still defined' },
  ],
  arguments: [{ name: '<name>', description: 'export name' }],
  options: [new Option('--lock-timeout <duration>', 'wait this long for the state lock (e.g. 30s, 5m)')],
  run: async (ctx, [name], options) => (await import('./run.js')).removeFromState(ctx, name as string, options),
};

export const stateUnlockCommand: CommandDescriptor = {
  path: ['state', 'unlock'],
  needsEnvironment: true,
  description: 'release a lock left behind by a command that is gone (only the lock with this id)',
  examples: [{ command: 'cxone-exports state unlock 3f2a…', does: 'the id the refused command printed' }],
  arguments: [{ name: '<lockId>', description: 'the id printed in the lock message' }],
  run: async (ctx, [lockId]) => (await import('./run.js')).unlockState(ctx, lockId as string),
};

export const stateCommitFilesCommand: CommandDescriptor = {
  path: ['state', 'commit-files'],
  needsEnvironment: true,
  hidden: true,
  description: 'the files a Git commit-back of the state must include, one per line (none for a database)',
  run: async (ctx) => (await import('./run.js')).listCommitFiles(ctx),
};

export const stateMigrateCommand: CommandDescriptor<{ from: string; lockTimeout?: string }> = {
  path: ['state', 'migrate'],
  needsEnvironment: true,
  description: 'move the local state and its audit log into the configured backend, keeping lineage and serial',
  examples: [
    {
      command: 'cxone-exports --env production state migrate --from local',
      does: 'after switching the config to backend: { type: pg }',
    },
  ],
  options: [
    new Option('--from <backend>', 'where the state is now').choices(['local']).makeOptionMandatory(),
    new Option('--lock-timeout <duration>', 'wait this long for the lock of the configured backend'),
  ],
  run: async (ctx, _args, options) => (await import('./run.js')).migrate(ctx, options),
};

export const stateMergeCommand: CommandDescriptor = {
  path: ['state', 'merge'],
  hidden: true,
  description: "Git's merge driver for state.json: cxone-exports state merge %O %A %B",
  arguments: [{ name: '<base>' }, { name: '<ours>' }, { name: '<theirs>' }],
  run: async (ctx, [base, ours, theirs]) =>
    (await import('./run.js')).mergeStateFiles(ctx, base as string, ours as string, theirs as string),
};
