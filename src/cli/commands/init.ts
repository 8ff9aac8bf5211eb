// `cxone-exports init`: sets up an exports repository in one step. What it does is in ../run/init.ts.

import type { CommandDescriptor } from '../command-descriptor.js';

export const initCommand: CommandDescriptor = {
  path: ['init'],
  description: 'set up an exports repository: workflows, merge rules, a commented config and an example export',
  run: async (ctx) => (await import('../run/init.js')).init(ctx),
};
