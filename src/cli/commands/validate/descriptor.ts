// `cxone-exports validate [paths…]`: its flags; what it does is in ./run.ts, loaded when it runs.

import { Option } from 'commander';
import type { CommandDescriptor } from '../../command-descriptor.js';
import { integerOption } from '../../option-parsers.js';
import type * as run from './run.js';

export const validateCommand: CommandDescriptor<run.ValidateOptions> = {
  path: ['validate'],
  acrossEnvironments: true,
  description: 'check export definitions against the schema and the CXone contract; needs no credentials',
  examples: [
    { command: 'cxone-exports validate', does: 'every definition under exportsDir, in every environment' },
    { command: 'cxone-exports validate exports/wfm/', does: 'the definitions under one folder' },
    { command: 'cxone-exports validate --format github', does: 'problems as GitHub annotations on the lines' },
  ],
  arguments: [
    { name: '[paths...]', description: 'files or directories to check (default: exportsDir from the config)' },
  ],
  options: [
    new Option(
      '--format <format>',
      'output format (markdown: the pull-request comment that replaces the plan)',
    ).choices(['human', 'json', 'github', 'markdown']),
    new Option(
      '--jobs <n>',
      'threads to check files on when there are many (default: one per idle core; 1: the main thread alone)',
    ).argParser(integerOption(1, 64)),
  ],
  run: async (ctx, [paths], options) => (await import('./run.js')).validate(ctx, paths as string[], options),
};
