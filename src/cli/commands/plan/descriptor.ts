// `cxone-exports plan`: its flags; what it does is in ./run.ts, loaded when it runs.

import { Option } from 'commander';
import type { CommandDescriptor } from '../../command-descriptor.js';
import type * as run from './run.js';

export const planCommand: CommandDescriptor<run.PlanCommandOptions> = {
  path: ['plan'],
  acrossEnvironments: true,
  needsEnvironment: true,
  description: 'show what apply would submit, compared with the state; needs no credentials or network',
  exitCodes: { 2: 'with --detailed-exitcode: the plan has changes (0 then means none)' },
  examples: [
    { command: 'cxone-exports plan', does: 'what apply would submit, in the one environment of the config' },
    { command: 'cxone-exports --env all plan --markdown', does: 'every environment, as the pull-request comment' },
    { command: 'cxone-exports --env sandbox plan --out sandbox.plan.json', does: 'save the plan for apply to run' },
  ],
  options: [
    new Option('--out <file>', 'save the plan, so apply runs exactly it'),
    new Option('--json', 'print the plan as JSON (schemas/plan.schema.json)'),
    new Option('--markdown', 'print the plan as Markdown for a pull-request comment'),
    new Option('--detailed-exitcode', 'exit 0 with no changes, 2 with changes, 1 on error'),
    new Option('--target <name...>', 'plan only these exports (names or globs)').default([]),
    new Option('--replace <name...>', 'submit these exports even if unchanged (names or globs)').default([]),
    new Option(
      '--ignore-promotion',
      'plan changes the promotion gate would hold back (recorded in the audit on apply)',
    ),
    new Option(
      '--at <time>',
      'judge schedules as of this instant (ISO 8601 with an offset), to preview runs; apply uses the real clock',
    ),
  ],
  run: async (ctx, _args, options) => (await import('./run.js')).plan(ctx, options),
};
