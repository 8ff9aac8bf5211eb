// `cxone-exports init [--backend pg]`: sets up an exports repository in one step. What it does is in
// ./run.ts.

import { Option } from 'commander';
import type { CommandDescriptor } from '../../command-descriptor.js';

export const initCommand: CommandDescriptor<{ backend: 'local' | 'pg'; environments?: boolean | string }> = {
  path: ['init'],
  description: 'set up an exports repository: workflows, merge rules, a commented config and an example export',
  examples: [
    { command: 'cxone-exports init', does: 'one environment, the state in files committed back' },
    {
      command: 'cxone-exports init --backend pg --environments',
      does: 'sandbox and production, the state in PostgreSQL',
    },
    {
      command: 'cxone-exports init --environments acme-sandbox,acme-production:acme-sandbox,globex-sandbox',
      does: 'one environment per client tenant, production promoted from its sandbox, matrix workflows',
    },
  ],
  options: [
    new Option('--backend <type>', 'where the state will live: local files committed back, or PostgreSQL')
      .choices(['local', 'pg'])
      .default('local'),
    new Option(
      '--environments [list]',
      'a sandbox and a production environment, with workflows that apply sandbox first; or the environments listed (a,b:a promotes b from a), with workflows that run them side by side',
    ),
  ],
  run: async (ctx, _args, options) => (await import('./run.js')).init(ctx, options),
};
