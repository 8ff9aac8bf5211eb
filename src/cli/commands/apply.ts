// `cxone-exports apply [PLANFILE]`: parses the flags, builds the request, picks the view and maps the outcome
// to an exit code; the workflow itself is the apply operation.

import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Option } from 'commander';
import { runIdentity } from '../../audit/run-identity.js';
import { systemClock } from '../../clock.js';
import { ExitError, UsageError } from '../../errors.js';
import type { ApplyRequest } from '../../operations/apply-operation.js';
import { parseSavedPlan } from '../../plan/saved-plan.js';
import type { SavedPlan } from '../../plan/saved-plan.js';
import { registerSecret } from '../../redaction.js';
import { openStateStore } from '../../state/open-state-store.js';
import { askApproval } from '../approval.js';
import type { CommandDescriptor } from '../command-descriptor.js';
import type { CommandContext } from '../command-context.js';
import { lockTimeoutMs, parseDuration } from '../durations.js';
import { exitCodeFor, onInterrupt } from '../interrupts.js';
import { loopbackCallbacks } from '../loopback-callbacks.js';
import { integerOption } from '../option-parsers.js';

export interface ApplyOptions {
  autoApprove?: boolean;
  target: string[];
  replace: string[];
  concurrency?: number;
  lockTimeout?: string;
  wait?: boolean;
  waitTimeout: string;
  json?: boolean;
  allowLoopbackCallbacks?: boolean;
}

export const applyCommand: CommandDescriptor<ApplyOptions> = {
  path: ['apply'],
  description: "submit the executions the plan needs, within CXone's limits, recording every step",
  arguments: [{ name: '[planfile]', description: 'a plan saved with plan --out; it is refused if stale' }],
  options: [
    new Option('--auto-approve', 'do not ask for approval'),
    new Option('--target <name...>', 'apply only these exports (names or globs)').default([]),
    new Option('--replace <name...>', 'submit these exports even if unchanged (names or globs)').default([]),
    new Option('--concurrency <n>', 'data actions submitted at once (default: apply.concurrency)').argParser(
      integerOption(1, 64),
    ),
    new Option('--lock-timeout <duration>', 'wait this long for the state lock (e.g. 30s, 5m)'),
    new Option('--wait', 'poll until the submitted executions finish'),
    new Option('--wait-timeout <duration>', 'give up waiting after this long').default('30m'),
    new Option('--json', 'one JSON event per line instead of progress output'),
    new Option(
      '--allow-loopback-callbacks',
      'submit callback URLs on this machine even though apiUrl is a remote CXone',
    ),
  ],
  run: (ctx, [planFile], options) => apply(ctx, planFile as string | undefined, options),
};

async function apply(ctx: CommandContext, planFile: string | undefined, options: ApplyOptions): Promise<void> {
  if (planFile !== undefined && (options.target.length > 0 || options.replace.length > 0)) {
    throw new UsageError('--target and --replace cannot be used with a saved plan', {
      hint: `The plan file already fixes what is applied. Make a new one: cxone-exports plan --target … --out ${planFile}`,
    });
  }
  // Loaded here, not at start-up: schema checking, the HTTP client and the progress display are heavy.
  const [{ loadValidDefinitions }, { runApply }, { applyView }, { createCxoneClient }] = await Promise.all([
    import('../../definitions/load-definitions.js'),
    import('../../operations/apply-operation.js'),
    import('../views/apply-view.js'),
    import('../../cxone/create-client.js'),
  ]);
  const waitTimeoutMs = parseDuration(options.waitTimeout, '--wait-timeout');
  const config = await ctx.config();
  const definitions = await loadValidDefinitions(config, ctx.cwd);
  const saved = planFile === undefined ? undefined : await readSavedPlan(ctx, planFile);
  const loopback = loopbackCallbacks(definitions.definitions, config);
  if (loopback !== undefined && options.allowLoopbackCallbacks !== true) {
    throw new UsageError(loopback.problem, {
      hint: `${loopback.advice} Or pass --allow-loopback-callbacks if CXone can reach this machine after all (a tunnel).`,
    });
  }
  const interactive = planFile === undefined && options.autoApprove !== true;
  // Asked before anything is printed or locked: a run that cannot be approved fails first, and cleanly.
  if (interactive && process.stdin.isTTY !== true) {
    throw new UsageError('apply needs approval, and there is no terminal to ask in', {
      hint: 'Add --auto-approve, or apply a saved plan: cxone-exports plan --out plan.json && cxone-exports apply plan.json',
    });
  }

  const callbackToken = ctx.env.CXONE_CALLBACK_TOKEN;
  registerSecret(callbackToken);
  const view = applyView(ctx, {
    json: options.json === true,
    interactiveTerminal: process.stdout.isTTY === true && ctx.env.CI === undefined && ctx.env.TERM !== 'dumb',
  });
  const request: ApplyRequest = {
    definitions: definitions.definitions,
    targets: options.target,
    replace: options.replace,
    ...(saved === undefined ? {} : { saved }),
    ...(interactive ? { approve: (plan) => askApproval(ctx, plan) } : {}),
    concurrency: options.concurrency ?? config.apply.concurrency,
    spacingMs: config.apply.spacingMs,
    maxRequestsPerSecond: config.apply.maxRequestsPerSecond,
    lockTimeoutMs: lockTimeoutMs(options.lockTimeout),
    ...(options.wait === true ? { waitTimeoutMs } : {}),
    ...(callbackToken === undefined ? {} : { callbackToken }),
    // One identity for every line this run writes (outside GitHub, its runId is made up once).
    identity: runIdentity(ctx.env, config.rootDir),
  };
  const end = await runApply(
    request,
    {
      store: openStateStore(config, ctx.cwd),
      connect: (hooks) =>
        createCxoneClient(config, { env: ctx.env, debug: (line) => ctx.logger.debug(line), ...hooks }),
      onInterrupt,
      clock: systemClock,
    },
    view,
  );
  if (end.interrupted !== undefined) throw new ExitError(exitCodeFor(end.interrupted));
  if (end.failed > 0) throw new ExitError(1);
}

async function readSavedPlan(ctx: CommandContext, file: string): Promise<{ plan: SavedPlan; file: string }> {
  const text = await readFile(resolve(ctx.cwd, file), 'utf8').catch(() => {
    throw new UsageError(`plan file ${file} cannot be read`, {
      hint: `Make one with: cxone-exports plan --out ${file}`,
    });
  });
  return { plan: parseSavedPlan(text, file), file };
}
