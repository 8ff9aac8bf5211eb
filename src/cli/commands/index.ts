// Every command, in the order `--help` lists them.

import type { CommandDescriptor } from '../command-descriptor.js';
import { applyCommand } from './apply.js';
import { auditExportCommand } from './audit.js';
import { backendInitCommand } from './backend.js';
import { initCommand } from './init.js';
import { planCommand } from './plan.js';
import { refreshCommand } from './refresh.js';
import { serveCommand } from './serve.js';
import { simCommand } from './sim.js';
import {
  stateCommitFilesCommand,
  stateListCommand,
  stateMergeCommand,
  stateMigrateCommand,
  stateRmCommand,
  stateShowCommand,
  stateUnlockCommand,
} from './state.js';
import { statusCommand } from './status.js';
import { validateCommand } from './validate.js';

export const COMMANDS: readonly CommandDescriptor<unknown>[] = [
  initCommand,
  validateCommand,
  planCommand,
  applyCommand,
  refreshCommand,
  serveCommand,
  statusCommand,
  stateListCommand,
  stateShowCommand,
  stateRmCommand,
  stateUnlockCommand,
  stateMigrateCommand,
  stateMergeCommand,
  stateCommitFilesCommand,
  auditExportCommand,
  backendInitCommand,
  simCommand,
];

/** Descriptions of the words that only group subcommands. */
export const COMMAND_GROUPS: Readonly<Record<string, string>> = {
  state: 'look at, repair and move the state by hand',
  audit: 'the audit events, wherever the backend keeps them',
  backend: 'the state backend itself',
};
