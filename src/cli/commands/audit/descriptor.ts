// `cxone-exports audit export [--since DURATION]`: the audit events as JSON lines on stdout, from whichever
// backend holds them, for archiving in Git or a data lake. What it does is in ./run.ts.

import { Option } from 'commander';
import type { CommandDescriptor } from '../../command-descriptor.js';

export const auditExportCommand: CommandDescriptor<{ since?: string }> = {
  path: ['audit', 'export'],
  needsEnvironment: true,
  description: 'write the audit events as JSON lines on stdout (for archiving), optionally only the recent ones',
  examples: [
    {
      command: 'cxone-exports audit export --since 7d > audit-week.jsonl',
      does: "the last week's events, for a data lake",
    },
  ],
  options: [new Option('--since <duration>', 'only events of this window (e.g. 24h, 7d)')],
  run: async (ctx, _args, options) => (await import('./run.js')).exportAudit(ctx, options),
};
