// `cxone-exports apply [PLANFILE]`: take the lock, plan (or load a saved plan and refuse it if stale), ask,
// then submit what is needed within CXone's limits, recording every step in state and audit as it happens.

import { setMaxListeners } from 'node:events';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { applyPlan, SubmissionHooks } from '../../apply/apply-plan.js';
import type { ExportResult } from '../../apply/apply-plan.js';
import { pollCompletions } from '../../apply/completion-poller.js';
import { faultPointFromEnvironment } from '../../apply/fault-point.js';
import { RequestGate } from '../../apply/request-gate.js';
import { systemClock } from '../../clock.js';
import { StateJournal } from '../../apply/state-journal.js';
import { openAuditLogReportingRepair } from '../audit-repair.js';
import { runIdentity } from '../../audit/run-identity.js';
import { createCxoneClient } from '../../cxone/create-client.js';
import { loadValidDefinitions } from '../../definitions/load-definitions.js';
import { CliError, ExitError, ExternalError, UsageError } from '../../errors.js';
import { describeSystemError } from '../../files/system-error.js';
import { planChanges } from '../../plan/plan-changes.js';
import { SUBMITTING_ACTIONS, submissions } from '../../plan/plan-model.js';
import type { Plan } from '../../plan/plan-model.js';
import { parseSavedPlan, staleReasons } from '../../plan/saved-plan.js';
import { registerSecret } from '../../redaction.js';
import { openStateStore } from '../../state/open-state-store.js';
import { lockState } from '../../state/lock-state.js';
import type { StateSnapshot } from '../../state/state-store.js';
import type { CommandContext } from '../command-context.js';
import {
  appendSummary,
  errorAnnotation,
  GROUP_END,
  groupStart,
  inGitHubActions,
  setOutputs,
} from '../github-actions.js';
import { formatDelay, JsonProgress, ListrProgress } from '../apply-progress.js';
import type { ProgressReporter } from '../apply-progress.js';
import { lockTimeoutMs, parseDuration } from '../durations.js';
import { exitCodeFor, onInterrupt } from '../interrupts.js';
import type { InterruptSignal } from '../interrupts.js';
import { loopbackCallbacks } from '../loopback-callbacks.js';
import { renderHumanPlan, summaryLine } from '../render-plan-human.js';

export interface ApplyOptions {
  autoApprove?: boolean;
  target: string[];
  replace: string[];
  concurrency?: number;
  lockTimeout?: string;
  wait?: boolean;
  waitTimeout?: string;
  json?: boolean;
  allowLoopbackCallbacks?: boolean;
}

/** In-flight requests get this long after the first Ctrl-C before they are aborted. */
const GRACE_MS = 10_000;

export async function applyCommand(
  ctx: CommandContext,
  planFile: string | undefined,
  options: ApplyOptions,
): Promise<void> {
  if (planFile !== undefined && (options.target.length > 0 || options.replace.length > 0)) {
    throw new UsageError('--target and --replace cannot be used with a saved plan', {
      hint: `The plan file already fixes what is applied. Make a new one: cxone-exports plan --target … --out ${planFile}`,
    });
  }
  const waitTimeoutMs = parseDuration(options.waitTimeout ?? '30m', '--wait-timeout');
  const config = await ctx.config();
  const definitions = await loadValidDefinitions(config, ctx.cwd);
  const savedText =
    planFile === undefined
      ? undefined
      : await readFile(resolve(ctx.cwd, planFile), 'utf8').catch(() => {
          throw new UsageError(`plan file ${planFile} cannot be read`, {
            hint: `Make one with: cxone-exports plan --out ${planFile}`,
          });
        });
  const reporter: ProgressReporter =
    options.json === true
      ? new JsonProgress(ctx.logger)
      : new ListrProgress(
          { fallback: process.stdout.isTTY !== true || ctx.env.CI !== undefined || ctx.env.TERM === 'dumb' },
          ctx.logger,
        );

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
  const store = openStateStore(config, ctx.cwd);
  const planFor = (snapshot: StateSnapshot): Plan =>
    planChanges(definitions.definitions, snapshot.state, {
      createdAt: new Date().toISOString(),
      targets: options.target,
      replace: options.replace,
    });

  // Interactively, the plan is shown and approved without the lock, so callbacks are recorded while a person
  // reads; once approved, the lock is taken and the state must still be the one the plan was made against.
  let reviewed: Plan | undefined;
  if (interactive) {
    reviewed = planFor(await store.read());
    if (nothingToDo(ctx, reviewed, reporter, options.json === true)) return;
    showPlan(ctx, reviewed, reporter, options.json === true);
    await askApproval(ctx, submissions(reviewed.summary));
  }

  const lock = await lockState(store, 'apply', {
    timeoutMs: lockTimeoutMs(options.lockTimeout),
    onStaleLockBroken: (holder) =>
      ctx.logger.warn(
        `Warning: broke the lock ${holder.id} left by ${holder.operation} (pid ${holder.pid}, ${holder.who}), which is no longer running.`,
      ),
  });
  // Registered at once, so a Ctrl-C while planning still releases the lock.
  const stop = new AbortController();
  const abort = new AbortController();
  // Every request in flight listens on these (and removes its listener when done): up to the concurrency,
  // which may exceed Node's default warning threshold of 10.
  setMaxListeners(0, stop.signal, abort.signal);
  let interrupted: InterruptSignal | undefined;
  const removeHandler = onInterrupt((signal) => {
    interrupted = signal;
    ctx.logger.warn(
      `\n${signal} received: starting nothing new; waiting up to ${GRACE_MS / 1000} s for requests in flight. Press Ctrl-C again to stop at once (state stays consistent).`,
    );
    stop.abort(new Error('interrupted'));
    setTimeout(() => abort.abort(new Error('interrupted')), GRACE_MS).unref();
  });
  try {
    // A run that crashed may have left logged patches: fold them in first, so state.json is whole whatever
    // this run does (the commit-back commits state.json).
    await store.compact();
    const snapshot = await store.read();
    let plan: Plan;
    if (reviewed !== undefined) {
      // What moved meanwhile (a callback recorded, another run) matters only if it changes what is submitted.
      plan = planFor(snapshot);
      const moved = planDifference(reviewed, plan);
      if (snapshot.state.lineage !== reviewed.lineage || moved !== undefined) {
        const what =
          snapshot.state.lineage !== reviewed.lineage
            ? 'the state was replaced by one of another lineage'
            : `the state moved on (serial ${reviewed.serial} → ${snapshot.state.serial}) and the plan changed: ${moved}`;
        throw new UsageError(`${what} while the plan was being reviewed, so nothing was submitted`, {
          hint: 'Run apply again: it plans against the new state and asks again.',
        });
      }
    } else if (savedText !== undefined && planFile !== undefined) {
      const saved = parseSavedPlan(savedText, planFile);
      const reasons = staleReasons(saved, { snapshot, definitions: definitions.definitions });
      if (reasons.length > 0) {
        throw new UsageError(
          `the saved plan ${planFile} is stale, so it is not applied:\n${reasons.map((r) => `  - ${r}`).join('\n')}`,
          { hint: `Make a new plan and review it: cxone-exports plan --out ${planFile}` },
        );
      }
      plan = saved;
    } else {
      plan = planFor(snapshot);
    }
    if (reviewed === undefined) {
      if (nothingToDo(ctx, plan, reporter, options.json === true)) return;
      // A saved plan was reviewed when it was made: like Terraform, say what is applied, not the whole plan again.
      if (planFile !== undefined && options.json !== true)
        ctx.logger.info(`Applying the saved plan ${planFile}. ${summaryLine(plan.summary, plan.changes, ctx.colors)}`);
      else showPlan(ctx, plan, reporter, options.json === true);
    }
    if (interrupted !== undefined) throw new ExitError(exitCodeFor(interrupted));

    await openAuditLogReportingRepair(store, ctx.logger);
    const journal = new StateJournal(snapshot.state, store);
    const serialBefore = snapshot.state.serial;

    const gate = new RequestGate({
      spacingMs: config.apply.spacingMs,
      maxRequestsPerSecond: config.apply.maxRequestsPerSecond,
    });
    const hooks = new SubmissionHooks(gate, reporter, abort.signal);
    const needsApi = plan.changes.some((c) => SUBMITTING_ACTIONS.includes(c.action));
    const client = needsApi
      ? createCxoneClient(config, {
          env: ctx.env,
          debug: (line) => ctx.logger.debug(line),
          beforeAttempt: hooks.beforeAttempt,
          onRetry: hooks.onRetry,
        })
      : undefined;
    const callbackToken = ctx.env.CXONE_CALLBACK_TOKEN;
    registerSecret(callbackToken);
    // One identity for every line this run writes (outside GitHub, its runId is made up once).
    const identity = runIdentity(ctx.env, config.rootDir);
    let results: ExportResult[] = [];
    let failure: unknown;
    try {
      // One token up front: bad credentials fail the run before anything is written.
      if (client !== undefined) await client.tokens.getToken();
      reporter.start(plan.changes.filter((c) => SUBMITTING_ACTIONS.includes(c.action)));
      const outcome = await applyPlan(plan, new Map(definitions.definitions.map((d) => [d.name, d])), {
        client: client?.executions ?? { submit: () => Promise.reject(new Error('no client')) },
        journal,
        hooks,
        identity,
        reporter,
        concurrency: options.concurrency ?? config.apply.concurrency,
        callbackToken,
        stopSignal: stop.signal,
        abortSignal: abort.signal,
        faultPoint: faultPointFromEnvironment(ctx.env),
      });
      results = outcome.results;
      failure = outcome.failure;
      await reporter.finish();
      const submitted = results.filter((r) => r.outcome === 'submitted' && r.executionId !== undefined);
      if (
        failure === undefined &&
        options.wait === true &&
        client !== undefined &&
        submitted.length > 0 &&
        interrupted === undefined
      ) {
        if (options.json !== true)
          ctx.logger.info(`Waiting up to ${formatDelay(waitTimeoutMs)} for ${submitted.length} executions to finish…`);
        const polled = await pollCompletions(
          submitted.map((r) => ({ name: r.name, dataActionId: r.dataActionId, executionId: r.executionId! })),
          {
            client: client.executions,
            journal,
            identity,
            reporter,
            clock: systemClock,
            timeoutMs: waitTimeoutMs,
            signal: stop.signal,
          },
        );
        if (polled.unsupported !== undefined)
          ctx.logger.warn(`Warning: ${polled.unsupported.message}. ${polled.unsupported.hint ?? ''}`);
        else if (interrupted !== undefined)
          ctx.logger.warn(
            `Stopped waiting: ${polled.unfinished.length} executions had not finished; \`cxone-exports refresh\` picks them up later.`,
          );
        else if (polled.unfinished.length > 0)
          ctx.logger.warn(
            `Warning: ${polled.unfinished.length} executions had not finished after --wait-timeout; \`cxone-exports refresh\` picks them up later.`,
          );
      }
    } catch (error) {
      failure ??= error;
    } finally {
      // Every path ends the display: tasks the run never reached are closed, so nothing waits on them.
      reporter.abandon('not attempted');
      await reporter.finish();
      // A run whose writes failed must not look like it persisted: the fold's error is the run's error.
      await journal.close().catch((error: unknown) => (failure ??= error));
    }
    if (failure !== undefined && results.length === 0) throw asRunFailure(failure);
    report(ctx, reporter, results, serialBefore, journal.serial, options.json === true);
    if (failure !== undefined) throw asRunFailure(failure);
    if (interrupted !== undefined) throw new ExitError(exitCodeFor(interrupted));
    if (results.some((r) => r.outcome === 'failed')) throw new ExitError(1);
  } finally {
    removeHandler();
    await lock.release();
  }
}

/** How two plans differ in what they would do (an export's action, reason or version), or undefined. */
function planDifference(before: Plan, after: Plan): string | undefined {
  const key = (c: Plan['changes'][number]) => `${c.action} ${c.reason} ${c.definitionHash} ${c.idempotencyKey ?? ''}`;
  const was = new Map(before.changes.map((c) => [c.name, key(c)]));
  const now = new Map(after.changes.map((c) => [c.name, key(c)]));
  for (const name of new Set([...was.keys(), ...now.keys()])) {
    if (was.get(name) !== now.get(name)) {
      const show = (plan: Plan) => plan.changes.find((c) => c.name === name)?.action ?? 'nothing';
      return `${name} was ${show(before)}, is now ${show(after)}`;
    }
  }
  return undefined;
}

/** True (after saying so) when the plan submits nothing and changes nothing locally. */
function nothingToDo(ctx: CommandContext, plan: Plan, reporter: ProgressReporter, json: boolean): boolean {
  const localOnly = plan.changes.filter((c) => c.action === 'forget' || c.reason === 'metadata-changed').length;
  if (submissions(plan.summary) + localOnly > 0) return false;
  setOutputs(ctx.env, { has_changes: false, submitted: 0, failed: 0 });
  if (json)
    reporter.event('change_summary', 'Apply complete: nothing to do.', {
      submitted: 0,
      failed: 0,
      skipped: 0,
      forgotten: 0,
      serial_before: plan.serial,
      serial_after: plan.serial,
    });
  else ctx.logger.info(`${ctx.colors.green('No changes.')} Exports match the state; nothing to apply.`);
  return true;
}

function showPlan(ctx: CommandContext, plan: Plan, reporter: ProgressReporter, json: boolean): void {
  const toSubmit = submissions(plan.summary);
  if (json)
    reporter.event('apply_start', `Applying: ${toSubmit} to submit, ${plan.summary.forget} to forget.`, {
      summary: plan.summary,
      serial: plan.serial,
      lineage: plan.lineage,
    });
  else if (inGitHubActions(ctx.env))
    ctx.logger.info(
      `${groupStart(`Plan: ${toSubmit} to submit, ${plan.summary.forget} to forget`)}\n${renderHumanPlan(plan, ctx.colors)}${GROUP_END}`,
    );
  else ctx.logger.info(renderHumanPlan(plan, ctx.colors));
}

/**
 * The error a stopped run ends with. A write the machine refused (a full disk) says so; whatever the state holds
 * is whole, and an export left pending is resubmitted with the same Idempotency-Key by the next apply.
 */
function asRunFailure(error: unknown): unknown {
  if (error instanceof CliError || error instanceof ExitError) return error;
  const system = describeSystemError(error);
  if (system === undefined) return error;
  return new ExternalError(`the run could not record its progress: ${system.message}`, {
    hint: `${system.hint}\nNothing more was submitted after the failed write. Run \`cxone-exports plan\` once the cause is fixed: an export whose outcome was not recorded is resubmitted with the same Idempotency-Key, so CXone does not run it twice.`,
  });
}

function applySummaryMarkdown(line: string, results: ExportResult[]): string {
  const rows = results.map(
    (r) =>
      `| \`${r.name}\` | ${r.action} | ${r.outcome} | ${r.executionId === undefined ? '' : `\`${r.executionId}\``} | ${(r.reason ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ')} |`,
  );
  return [
    '### cxone-exports apply',
    '',
    `**${line}**`,
    '',
    '| Export | Action | Result | Execution | Reason |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}

async function askApproval(ctx: CommandContext, count: number): Promise<void> {
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  // Ctrl-C at the prompt reaches readline (the terminal is in raw mode), not the process; Ctrl-D closes it.
  // Either way the answer never comes: the close settles the wait, so the process cannot hang on it.
  let interruptedAtPrompt = false;
  prompt.on('SIGINT', () => {
    interruptedAtPrompt = true;
    prompt.close();
  });
  const closed = new Promise<undefined>((resolveClosed) => prompt.once('close', () => resolveClosed(undefined)));
  const answer = await Promise.race([
    prompt.question(`\nSubmit these ${count} executions? Only 'yes' is accepted: `).catch(() => undefined),
    closed,
  ]);
  prompt.close();
  if (answer === undefined) {
    process.stdout.write('\n');
    ctx.logger.warn(`Apply cancelled (${interruptedAtPrompt ? 'Ctrl-C' : 'end of input'}): nothing was submitted.`);
    throw new ExitError(exitCodeFor('SIGINT'));
  }
  if (answer.trim() !== 'yes')
    throw new UsageError('apply cancelled: nothing was submitted', {
      hint: "Type 'yes' to approve, or use --auto-approve in automation.",
    });
}

function report(
  ctx: CommandContext,
  reporter: ProgressReporter,
  results: ExportResult[],
  serialBefore: number,
  serialAfter: number,
  json: boolean,
): void {
  const count = (outcome: ExportResult['outcome']) => results.filter((r) => r.outcome === outcome).length;
  const failed = results.filter((r) => r.outcome === 'failed');
  const line = `Apply complete: ${count('submitted')} submitted, ${failed.length} failed, ${count('skipped')} skipped${count('forgotten') > 0 ? `, ${count('forgotten')} forgotten` : ''}. State serial ${serialBefore} → ${serialAfter}.`;
  setOutputs(ctx.env, { has_changes: true, submitted: count('submitted'), failed: failed.length });
  appendSummary(ctx.env, () => applySummaryMarkdown(line, results));
  if (inGitHubActions(ctx.env))
    for (const f of failed)
      ctx.logger.warn(errorAnnotation('cxone-exports apply', `${f.name}: ${f.reason ?? 'failed'}`));
  if (json) {
    reporter.event('change_summary', line, {
      submitted: count('submitted'),
      failed: failed.length,
      skipped: count('skipped'),
      forgotten: count('forgotten'),
      serial_before: serialBefore,
      serial_after: serialAfter,
    });
    return;
  }
  ctx.logger.info(`\n${failed.length > 0 ? ctx.colors.red(line) : ctx.colors.green(line)}`);
  if (failed.length > 0) {
    const width = Math.max(...failed.map((f) => f.name.length), 'EXPORT'.length);
    ctx.logger.info(
      [
        '',
        ctx.colors.bold(`${'EXPORT'.padEnd(width)}  WHY`),
        ...failed.map((f) => `${f.name.padEnd(width)}  ${f.reason ?? ''}`),
      ].join('\n'),
    );
  }
}
