// `cxone-exports audit verify [--json]`: checks the audit chain and the head the state records, in one
// environment or across a selection. What it does is in ./verify-run.ts.

import { Option } from 'commander';
import type { CommandDescriptor } from '../../command-descriptor.js';
import { integerOption } from '../../option-parsers.js';
import type * as run from './verify-run.js';

export const auditVerifyCommand: CommandDescriptor<run.VerifyOptions> = {
  path: ['audit', 'verify'],
  needsEnvironment: true,
  acrossEnvironments: true,
  description:
    'check that no audit line was edited, removed, inserted or moved, and that the tail is all there (exit 1 names where)',
  examples: [
    { command: 'cxone-exports --env production audit verify', does: 'check the production audit chain' },
    {
      command: 'CXONE_AUDIT_KEY=… cxone-exports --env all audit verify --json',
      does: 'every environment, proving each head was written with the key, as JSON for CI',
    },
  ],
  options: [
    new Option('--json', 'print JSON'),
    new Option('--parallel <n>', 'across several environments: how many at once (default: runs.parallel)').argParser(
      integerOption(1, 64),
    ),
    new Option('--report <file>', 'write a JSON report of the run (schemas/run-report.schema.json)'),
  ],
  run: async (ctx, _args, options) => (await import('./verify-run.js')).verifyAuditChain(ctx, options),
};
