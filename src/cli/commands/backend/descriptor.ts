// `cxone-exports backend init [--print-sql]`: set up the configured backend's storage now (a PostgreSQL schema
// and its tables), or print the SQL for an administrator to run for a role that may not create.

import { Option } from 'commander';
import type { CommandDescriptor } from '../../command-descriptor.js';

export const backendInitCommand: CommandDescriptor<{ printSql?: boolean }> = {
  path: ['backend', 'init'],
  needsEnvironment: true,
  description: "create the backend's tables now (pg), or print the SQL to create them",
  examples: [
    { command: 'cxone-exports backend init', does: 'create the schema and tables now (CXONE_EXPORTS_PG_URL)' },
    { command: 'cxone-exports backend init --print-sql', does: 'the SQL for an administrator to run' },
  ],
  options: [new Option('--print-sql', 'print the SQL that creates the schema and its tables, and connect to nothing')],
  run: async (ctx, _args, options) => (await import('./run.js')).initBackend(ctx, options),
};
