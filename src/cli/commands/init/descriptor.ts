// `cxone-exports init [--backend pg]`: sets up an exports repository in one step. What it does is in
// ./run.ts.

import { Option } from 'commander';
import type { CommandDescriptor } from '../../command-descriptor.js';

export const initCommand: CommandDescriptor<{ backend: 'local' | 'pg'; environments?: boolean }> = {
  path: ['init'],
  description: 'set up an exports repository: workflows, merge rules, a commented config and an example export',
  examples: [
    { command: 'cxone-exports init', does: 'one environment, the state in files committed back' },
    {
      command: 'cxone-exports init --backend pg --environments',
      does: 'sandbox and production, the state in PostgreSQL',
    },
  ],
  options: [
    new Option('--backend <type>', 'where the state will live: local files committed back, or PostgreSQL')
      .choices(['local', 'pg'])
      .default('local'),
    new Option('--environments', 'a sandbox and a production environment, with workflows that apply sandbox first'),
  ],
  run: async (ctx, _args, options) => (await import('./run.js')).init(ctx, options),
};
