// The views of `apply`, in the manner of Terraform's views.NewApply(viewType): a terminal (listr2 tasks), JSON
// lines (--json), and GitHub Actions' step outputs, summary, log groups and annotations on top of either.

import type { ExportResult } from '../../../apply/apply-plan.js';
import type { PollResult } from '../../../apply/completion-poller.js';
import type { ApplyReport, ApplyView } from '../../../operations/apply-operation.js';
import type { InterruptSignal } from '../../../operations/on-interrupt.js';
import type { StateAccessView } from '../../../operations/state-access.js';
import type { LockInfo } from '../../../state/state-store.js';
import { submissions } from '../../../plan/plan-model.js';
import type { Plan } from '../../../plan/plan-model.js';
import type { CommandContext } from '../../command-context.js';
import {
  appendSummary,
  errorAnnotation,
  GROUP_END,
  groupStart,
  inGitHubActions,
  setOutputs,
} from '../../github-actions.js';
import { renderHumanPlan, summaryLine } from '../../views/render-plan-human.js';
import { formatDelay } from '../../format-delay.js';
import { JsonProgress, ListrProgress } from './progress.js';
import type { ProgressReporter } from './progress.js';
import { stateAccessView } from '../../views/state-access-view.js';
import { plural } from '../../views/render-diagnostics.js';

type ViewContext = Pick<CommandContext, 'env' | 'logger' | 'colors' | 'io'>;

/** The view `apply` prints through: JSON lines or the terminal, with GitHub's step reporting inside Actions. */
export function applyView(
  ctx: ViewContext,
  options: { json: boolean; interactiveTerminal: boolean; where?: string | undefined },
): ApplyView {
  const actions = inGitHubActions(ctx.env);
  const base = options.json
    ? new JsonApplyView(ctx, options.where)
    : new HumanApplyView(ctx, { groupPlan: actions, plainProgress: !options.interactiveTerminal }, options.where);
  return new GitHubStepApplyView(base, ctx, actions, options.where);
}

/** The completed line every view shows, and the step summary repeats. */
export function completeLine(report: ApplyReport): string {
  const count = (outcome: ExportResult['outcome']) => report.results.filter((r) => r.outcome === outcome).length;
  const forgotten = count('forgotten') > 0 ? `, ${count('forgotten')} forgotten` : '';
  return `Apply complete: ${count('submitted')} submitted, ${count('failed')} failed, ${count('skipped')} skipped${forgotten}.${endedLine(report.unsuccessful)} State serial ${report.serialBefore} → ${report.serialAfter}.`;
}

/** The executions --wait saw end otherwise than completed, named: any of them makes the apply exit 1. */
function endedLine(unsuccessful: ApplyReport['unsuccessful']): string {
  if (unsuccessful.length === 0) return '';
  const which = unsuccessful.map(({ execution, status }) => `${execution.name} ${status}`).join(', ');
  return ` ${plural(unsuccessful.length, 'execution')} waited for did not complete (${which}).`;
}

abstract class BaseApplyView implements ApplyView {
  abstract readonly progress: ProgressReporter;
  private readonly access: StateAccessView;

  constructor(protected readonly ctx: ViewContext) {
    this.access = stateAccessView(ctx.logger);
  }

  staleLockBroken(holder: LockInfo): void {
    this.access.staleLockBroken(holder);
  }

  waitingForLock(holder: LockInfo, timeoutMs: number): void {
    this.access.waitingForLock(holder, timeoutMs);
  }

  auditLogRepaired(bytes: number): void {
    this.access.auditLogRepaired(bytes);
  }

  abstract nothingToDo(plan: Plan): void;
  abstract planned(plan: Plan, savedFile?: string): void;
  abstract finished(report: ApplyReport): void;

  interrupted(signal: InterruptSignal, graceMs: number): void {
    this.ctx.logger.warn(
      `\n${signal} received: starting nothing new; waiting up to ${graceMs / 1000} s for requests in flight. Press Ctrl-C again to stop at once (state stays consistent).`,
    );
  }

  waiting(executions: number, timeoutMs: number): void {
    this.ctx.logger.info(`Waiting up to ${formatDelay(timeoutMs)} for ${plural(executions, 'execution')} to finish…`);
  }

  waitEnded(result: PollResult, interrupted: boolean): void {
    const { logger } = this.ctx;
    if (result.unsupported !== undefined)
      logger.warn(`Warning: ${result.unsupported.message}. ${result.unsupported.hint ?? ''}`);
    else if (interrupted)
      logger.warn(
        `Stopped waiting: ${result.unfinished.length} executions had not finished; \`cxone-exports refresh\` picks them up later.`,
      );
    else if (result.unfinished.length > 0)
      logger.warn(
        `Warning: ${result.unfinished.length} executions had not finished after --wait-timeout; \`cxone-exports refresh\` picks them up later.`,
      );
  }
}

class HumanApplyView extends BaseApplyView {
  readonly progress: ProgressReporter;

  constructor(
    ctx: ViewContext,
    private readonly options: { groupPlan: boolean; plainProgress: boolean },
    private readonly where: string | undefined,
  ) {
    super(ctx);
    this.progress = new ListrProgress({ fallback: options.plainProgress, output: ctx.io }, ctx.logger);
  }

  nothingToDo(plan: Plan): void {
    const waiting = plan.changes.filter((change) => change.awaitsApply !== undefined);
    if (waiting.length > 0) {
      this.ctx.logger.info(
        `${this.ctx.colors.green('Nothing due.')} ${plural(waiting.length, 'change')} ${waiting.length === 1 ? 'waits' : 'wait'} for a reviewed apply, which the schedule does not make: ${waiting.map((change) => change.name).join(', ')}.`,
      );
      return;
    }
    this.ctx.logger.info(`${this.ctx.colors.green('No changes.')} Exports match the state; nothing to apply.`);
  }

  planned(plan: Plan, savedFile?: string): void {
    const { logger, colors } = this.ctx;
    // Before anything is asked or sent: which environment, which API, which state.
    if (this.where !== undefined) logger.info(colors.bold(this.where));
    // A saved plan was reviewed when it was made: like Terraform, say what is applied, not the whole plan again.
    if (savedFile !== undefined)
      logger.info(`Applying the saved plan ${savedFile}. ${summaryLine(plan.summary, plan.changes, colors)}`);
    else if (this.options.groupPlan)
      logger.info(
        `${groupStart(`Plan: ${submissions(plan.summary)} to submit, ${plan.summary.forget} to forget`)}\n${renderHumanPlan(plan, colors)}${GROUP_END}`,
      );
    else logger.info(renderHumanPlan(plan, colors));
  }

  finished(report: ApplyReport): void {
    const { logger, colors } = this.ctx;
    const failed = report.results.filter((r) => r.outcome === 'failed');
    const line = completeLine(report);
    const red = failed.length > 0 || report.unsuccessful.length > 0;
    logger.info(`\n${red ? colors.red(line) : colors.green(line)}`);
    if (this.where !== undefined) logger.info(this.where);
    if (failed.length === 0) return;
    const width = Math.max(...failed.map((f) => f.name.length), 'EXPORT'.length);
    logger.info(
      [
        '',
        colors.bold(`${'EXPORT'.padEnd(width)}  WHY`),
        ...failed.map((f) => `${f.name.padEnd(width)}  ${f.reason ?? ''}`),
      ].join('\n'),
    );
  }
}

class JsonApplyView extends BaseApplyView {
  readonly progress: ProgressReporter;

  constructor(
    ctx: ViewContext,
    private readonly where: string | undefined,
  ) {
    super(ctx);
    this.progress = new JsonProgress(ctx.logger, ctx.io.clock);
  }

  nothingToDo(plan: Plan): void {
    const waiting = plan.changes.filter((change) => change.awaitsApply !== undefined).map((change) => change.name);
    this.progress.event('change_summary', 'Apply complete: nothing to do.', {
      ...(waiting.length > 0 ? { awaiting_apply: waiting } : {}),
      submitted: 0,
      failed: 0,
      skipped: 0,
      forgotten: 0,
      serial_before: plan.serial,
      serial_after: plan.serial,
    });
  }

  planned(plan: Plan): void {
    this.progress.event(
      'apply_start',
      `Applying: ${submissions(plan.summary)} to submit, ${plan.summary.forget} to forget.`,
      {
        summary: plan.summary,
        serial: plan.serial,
        lineage: plan.lineage,
        ...(this.where === undefined ? {} : { where: this.where }),
      },
    );
  }

  // Machine output stays on stdout as events: the waiting notice is for people only.
  override waiting(): void {}

  finished(report: ApplyReport): void {
    const count = (outcome: ExportResult['outcome']) => report.results.filter((r) => r.outcome === outcome).length;
    this.progress.event('change_summary', completeLine(report), {
      submitted: count('submitted'),
      failed: count('failed'),
      skipped: count('skipped'),
      forgotten: count('forgotten'),
      unsuccessful: report.unsuccessful.map(({ execution, status }) => ({
        export: execution.name,
        execution_id: execution.executionId,
        status,
      })),
      serial_before: report.serialBefore,
      serial_after: report.serialAfter,
    });
  }
}

/** Adds GitHub's step outputs and summary (written when Actions provides their files) and failure annotations. */
class GitHubStepApplyView implements ApplyView {
  readonly progress: ProgressReporter;
  readonly staleLockBroken: ApplyView['staleLockBroken'];
  readonly waitingForLock: ApplyView['waitingForLock'];
  readonly auditLogRepaired: ApplyView['auditLogRepaired'];
  readonly planned: ApplyView['planned'];
  readonly interrupted: ApplyView['interrupted'];
  readonly waiting: ApplyView['waiting'];
  readonly waitEnded: ApplyView['waitEnded'];

  constructor(
    private readonly inner: BaseApplyView,
    private readonly ctx: ViewContext,
    private readonly annotate: boolean,
    private readonly where: string | undefined,
  ) {
    this.progress = inner.progress;
    this.staleLockBroken = (holder) => inner.staleLockBroken(holder);
    this.waitingForLock = (holder, timeoutMs) => inner.waitingForLock(holder, timeoutMs);
    this.auditLogRepaired = (bytes) => inner.auditLogRepaired(bytes);
    this.planned = (plan, savedFile) => inner.planned(plan, savedFile);
    this.interrupted = (signal, graceMs) => inner.interrupted(signal, graceMs);
    this.waiting = (executions, timeoutMs) => inner.waiting(executions, timeoutMs);
    this.waitEnded = (result, interrupted) => inner.waitEnded(result, interrupted);
  }

  nothingToDo(plan: Plan): void {
    setOutputs(this.ctx.env, { has_changes: false, submitted: 0, failed: 0 });
    this.inner.nothingToDo(plan);
  }

  finished(report: ApplyReport): void {
    const count = (outcome: ExportResult['outcome']) => report.results.filter((r) => r.outcome === outcome).length;
    setOutputs(this.ctx.env, { has_changes: true, submitted: count('submitted'), failed: count('failed') });
    appendSummary(this.ctx.env, () => summaryMarkdown(completeLine(report), report.results, this.where));
    if (this.annotate)
      for (const f of report.results.filter((r) => r.outcome === 'failed'))
        this.ctx.logger.warn(errorAnnotation('cxone-exports apply', `${f.name}: ${f.reason ?? 'failed'}`));
    if (this.annotate)
      for (const { execution, status } of report.unsuccessful)
        this.ctx.logger.warn(
          errorAnnotation('cxone-exports apply', `${execution.name}: execution ${execution.executionId} ${status}`),
        );
    this.inner.finished(report);
  }
}

function summaryMarkdown(line: string, results: ExportResult[], where: string | undefined): string {
  const rows = results.map(
    (r) =>
      `| \`${r.name}\` | ${r.action} | ${r.outcome} | ${r.executionId === undefined ? '' : `\`${r.executionId}\``} | ${(r.reason ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ')} |`,
  );
  return [
    '### cxone-exports apply',
    '',
    ...(where === undefined ? [] : [where, '']),
    `**${line}**`,
    '',
    '| Export | Action | Result | Execution | Reason |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}
