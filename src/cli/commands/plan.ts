// `cxone-exports plan`: what apply would do, read-only, with no credentials and no network.

import { resolve } from 'node:path';
import { writeFileDurably } from '../../files/durable-write.js';
import { ExitError, UsageError } from '../../errors.js';
import { hasChanges } from '../../plan/plan-model.js';
import { sealPlan, serializeSavedPlan } from '../../plan/saved-plan.js';
import { openStateStore } from '../../state/open-state-store.js';
import { toolVersion } from '../../version.js';
import { Option } from 'commander';
import type { CommandDescriptor } from '../command-descriptor.js';
import type { CommandContext } from '../command-context.js';
import { loopbackCallbacks, loopbackCallbackWarning } from '../loopback-callbacks.js';
import { planView } from '../views/plan-view.js';

export interface PlanCommandOptions {
  out?: string;
  json?: boolean;
  markdown?: boolean;
  detailedExitcode?: boolean;
  target: string[];
  replace: string[];
}

export const planCommand: CommandDescriptor<PlanCommandOptions> = {
  path: ['plan'],
  description: 'show what apply would submit, compared with the state; needs no credentials or network',
  options: [
    new Option('--out <file>', 'save the plan, so apply runs exactly it'),
    new Option('--json', 'print the plan as JSON (schemas/plan.schema.json)'),
    new Option('--markdown', 'print the plan as Markdown for a pull-request comment'),
    new Option('--detailed-exitcode', 'exit 0 with no changes, 2 with changes, 1 on error'),
    new Option('--target <name...>', 'plan only these exports (names or globs)').default([]),
    new Option('--replace <name...>', 'submit these exports even if unchanged (names or globs)').default([]),
  ],
  run: (ctx, _args, options) => makePlan(ctx, options),
};

async function makePlan(ctx: CommandContext, options: PlanCommandOptions): Promise<void> {
  if (options.json === true && options.markdown === true)
    throw new UsageError('--json and --markdown cannot be combined', { hint: 'Pick one output format.' });
  const [{ loadValidDefinitions }, { planChanges }] = await Promise.all([
    import('../../definitions/load-definitions.js'),
    import('../../plan/plan-changes.js'),
  ]);
  const view = planView(ctx, options.json === true ? 'json' : options.markdown === true ? 'markdown' : 'human');
  const config = await ctx.config();
  const definitions = await loadValidDefinitions(config, ctx.cwd);
  const loopback = loopbackCallbacks(definitions.definitions, config);
  if (loopback !== undefined) ctx.logger.warn(loopbackCallbackWarning(loopback));
  const snapshot = await openStateStore(config, ctx.cwd).read();
  const plan = planChanges(definitions.definitions, snapshot.state, {
    createdAt: new Date().toISOString(),
    targets: options.target,
    replace: options.replace,
  });
  view.plan(plan);
  if (options.out !== undefined) {
    const sealed = sealPlan(plan, {
      stateExisted: snapshot.exists,
      definitions: definitions.definitions,
      targets: options.target,
      replace: options.replace,
      toolVersion: toolVersion(),
    });
    await writeFileDurably(resolve(ctx.cwd, options.out), serializeSavedPlan(sealed));
    view.saved(options.out);
  }
  if (options.detailedExitcode === true && hasChanges(plan)) throw new ExitError(2);
}
