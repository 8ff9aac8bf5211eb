// Every command, in the order `--help` lists them.

import type { CommandDescriptor } from '../command-descriptor.js';
import { applyCommand } from './apply/descriptor.js';
import { auditExportCommand } from './audit/descriptor.js';
import { auditVerifyCommand } from './audit/verify-descriptor.js';
import { backendInitCommand } from './backend/descriptor.js';
import { initCommand } from './init/descriptor.js';
import { planCommand } from './plan/descriptor.js';
import { refreshCommand } from './refresh/descriptor.js';
import { serveCommand } from './serve/descriptor.js';
import { simCommand } from './sim/descriptor.js';
import {
  stateCommitFilesCommand,
  stateListCommand,
  stateMergeCommand,
  stateMigrateCommand,
  stateRmCommand,
  stateShowCommand,
  stateUnlockCommand,
} from './state/descriptor.js';
import { statusCommand } from './status/descriptor.js';
import { validateCommand } from './validate/descriptor.js';

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
  auditVerifyCommand,
  backendInitCommand,
  simCommand,
];

/** Descriptions of the words that only group subcommands. */
export const COMMAND_GROUPS: Readonly<Record<string, string>> = {
  state: 'look at, repair and move the state by hand',
  audit: 'the audit events, wherever the backend keeps them',
  backend: 'the state backend itself',
};
