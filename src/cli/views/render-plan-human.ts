// The plan for a terminal, in Terraform's visual language: a symbol per action, field-level before/after lines,
// unchanged fields hidden, and one summary line.

import { policyLines } from './render-policy-hits.js';
import type { Plan, PlanSummary, PlannedChange } from '../../plan/plan-model.js';
import { isShown, submissions } from '../../plan/plan-model.js';
import { formatTick } from '../../schedules/schedule.js';
import type { Colors } from '../color.js';
import { visibleText } from './displayed-text.js';

interface ActionStyle {
  symbol: string;
  verb: string;
  color: (colors: Colors, text: string) => string;
}

const REASONS: Record<PlannedChange['reason'], string> = {
  new: 'new definition',
  'definition-changed': 'definition changed',
  'last-execution-failed': 'last execution failed',
  'outcome-unknown': 'the outcome of the last attempt is unknown; the same Idempotency-Key is reused',
  replaced: 'replace requested',
  'removed-from-files': 'removed from the files; no API call',
  'metadata-changed': 'metadata, schedule or suspend only; the state is refreshed, no execution',
  unchanged: 'unchanged',
  'not-promoted': 'not promoted: this definition has no completed execution in the environment it is promoted from',
  'awaits-apply': 'waits for a reviewed apply: the schedule sends only the due runs of definitions already applied',
  'environment-only':
    'environment-only: the change is to values the environment it is promoted from does not share, so it never ran there',
  'schedule-due': 'scheduled',
  'previous-still-running': 'the previous execution is still running, so this tick waits for it to end',
  'deadline-passed': "the tick is older than the schedule's startingDeadline: skipped, the next tick runs",
  suspended: 'suspended (spec.suspend: true): nothing is submitted',
};

/** What a held-back change would have done, as the reason line says it. */
const PAST: Partial<Record<PlannedChange['action'], string>> = {
  create: 'created',
  update: 'updated',
  retry: 'retried',
  resubmit: 'resubmitted',
  forget: 'forgotten',
};

/** Reasons a scheduled export's due tick is not run. */
const HELD_TICK_REASONS: readonly PlannedChange['reason'][] = [
  'previous-still-running',
  'deadline-passed',
  'suspended',
];

export function actionStyle(change: PlannedChange): ActionStyle {
  if (change.reason === 'replaced') return { symbol: '-/+', verb: 'replaced', color: (c, t) => c.magenta(t) };
  switch (change.action) {
    case 'create':
      return { symbol: '+', verb: 'created', color: (c, t) => c.green(t) };
    case 'update':
      return { symbol: '~', verb: 'updated', color: (c, t) => c.yellow(t) };
    case 'retry':
      return { symbol: '↻', verb: 'retried', color: (c, t) => c.cyan(t) };
    case 'resubmit':
      return { symbol: '-/+', verb: 'resubmitted', color: (c, t) => c.magenta(t) };
    case 'forget':
      return { symbol: '-', verb: 'forgotten', color: (c, t) => c.red(t) };
    case 'blocked':
      return { symbol: '!', verb: 'held back', color: (c, t) => c.red(t) };
    case 'run':
      return { symbol: '⏰', verb: 'run', color: (c, t) => c.cyan(t) };
    default:
      return { symbol: '~', verb: 'refreshed', color: (c, t) => c.yellow(t) };
  }
}

export function reasonText(change: PlannedChange): string {
  const reason = baseReasonText(change);
  if (change.promotionIgnored === true)
    return `${reason}; promotion ignored (--ignore-promotion): not yet completed where it is promoted from`;
  if (change.promotionNotNeeded !== undefined)
    return `${reason}; not in ${change.promotionNotNeeded.environment}: no promotion needed`;
  return reason;
}

function baseReasonText(change: PlannedChange): string {
  if (change.awaitsApply !== undefined)
    return `waits for a reviewed apply: it would be ${PAST[change.awaitsApply.wouldBe] ?? change.awaitsApply.wouldBe}, and the schedule sends only the due runs of definitions already applied`;
  const only = change.blockedBy?.environmentOnly;
  if (change.blockedBy !== undefined && only !== undefined)
    return `environment-only: ${only.join(', ')} ${only.length === 1 ? 'changes' : 'change'} here to what ${change.blockedBy.environment} does not share, so it never ran there; held like an unpromoted change (a change there too, or --ignore-promotion, lets it through)`;
  if (change.blockedBy !== undefined)
    return `not promoted: this definition has no completed execution in ${change.blockedBy.environment} yet; it would be ${PAST[change.blockedBy.wouldBe]} once it has (or with --ignore-promotion)`;
  if (change.action === 'run' && change.schedule?.tick != null)
    return `scheduled ${formatTick(new Date(change.schedule.tick), change.schedule.timeZone)}`;
  if (change.suspendedWouldBe !== undefined)
    return `${REASONS.suspended}; it would be ${PAST[change.suspendedWouldBe]}`;
  const last = change.lastError;
  if (last === undefined) return REASONS[change.reason];
  // The stored reason, so a reviewer sees whether the same refusal is coming again.
  return `last execution ${last.status === 'submit-failed' ? 'was refused' : last.status} at ${last.at}${last.message === null ? '' : `: ${visibleText(last.message)}`}`;
}

/** A value as it is sent: strings quoted with escapes visible (a tab shows as "\t"). */
export function showValue(value: unknown): string {
  return value === null || value === undefined ? '(none)' : JSON.stringify(value);
}

export function renderHumanPlan(plan: Plan, colors: Colors): string {
  const shown = plan.changes.filter(isShown);
  const schedules = scheduleLines(plan, colors);
  if (shown.length === 0)
    return `${colors.green('No changes.')} Exports match the state.\n${schedules}${policyLines(plan, colors)}`;
  const lines: string[] = ['cxone-exports will perform the following actions:', ''];
  for (const change of shown) {
    const style = actionStyle(change);
    if (change.action === 'run') {
      // A scheduled run sends the applied definition again: one line says when it was due.
      lines.push(`  ${style.color(colors, style.symbol)} export "${change.name}" will run (${reasonText(change)})`);
      lines.push(colors.dim(`    ${visibleText(change.source.file)}:${change.source.line}`), '');
      continue;
    }
    lines.push(colors.bold(`  # ${change.name} will be ${style.verb}`) + colors.dim(` (${reasonText(change)})`));
    lines.push(`  ${style.color(colors, style.symbol)} export "${change.name}" {`);
    const width = Math.max(0, ...change.fieldChanges.map((f) => f.path.length));
    for (const field of change.fieldChanges) lines.push(`      ${fieldLine(field, width, change, colors)}`);
    if (change.fieldChanges.length === 0)
      lines.push(colors.dim('      # no field changes: the same definition is submitted again'));
    lines.push('    }');
    lines.push(colors.dim(`    ${visibleText(change.source.file)}:${change.source.line}`), '');
  }
  lines.push(summaryLine(plan.summary, plan.changes, colors));
  return `${lines.join('\n')}\n${schedules}${policyLines(plan, colors)}`;
}

/**
 * The scheduled exports, a line each: the next run, and why a due tick waits when it does. Empty when no export
 * has a schedule.
 */
export function scheduleLines(plan: Plan, colors: Colors): string {
  const scheduled = plan.changes.filter((c) => c.schedule !== undefined);
  if (scheduled.length === 0) return '';
  const width = Math.max(...scheduled.map((c) => c.name.length));
  const cronWidth = Math.max(...scheduled.map((c) => c.schedule!.cron.length));
  const lines = scheduled.map((change) => {
    const schedule = change.schedule!;
    const next =
      schedule.nextTick === null ? 'no next run' : `next ${formatTick(new Date(schedule.nextTick), schedule.timeZone)}`;
    const note =
      change.action === 'run'
        ? `; runs now (${reasonText(change)})`
        : HELD_TICK_REASONS.includes(change.reason)
          ? `; ${REASONS[change.reason]}`
          : '';
    return `  ${change.name.padEnd(width)}  ${colors.dim(schedule.cron.padEnd(cronWidth))}  ${next}${note}`;
  });
  return `\n${colors.bold('Schedules:')}\n${lines.join('\n')}\n`;
}

function fieldLine(
  field: PlannedChange['fieldChanges'][number],
  width: number,
  change: PlannedChange,
  colors: Colors,
): string {
  const path = field.path.padEnd(width);
  if (field.before === null) return `${colors.green('+')} ${path} = ${showValue(field.after)}`;
  if (field.after === null) return `${colors.red('-')} ${path} = ${showValue(field.before)}`;
  const arrow = change.action === 'forget' ? '' : ` ${colors.dim('->')} ${showValue(field.after)}`;
  return `${colors.yellow('~')} ${path} = ${showValue(field.before)}${arrow}`;
}

/** `Plan: 2 to submit (1 create, 1 update), 1 to forget, 7 unchanged.` */
export function summaryLine(summary: PlanSummary, changes: readonly PlannedChange[], colors: Colors): string {
  const kinds = (['create', 'update', 'retry', 'resubmit', 'run'] as const)
    .filter((k) => summary[k] > 0)
    .map((k) => `${summary[k]} ${k}`);
  const metadataOnly = changes.filter((c) => c.reason === 'metadata-changed').length;
  const unchanged = `${summary.noop} unchanged${metadataOnly > 0 ? ` (${metadataOnly} with metadata changes)` : ''}`;
  // Held by the gate, or (--schedule-only) waiting for a reviewed apply.
  const awaiting = changes.filter((c) => c.awaitsApply !== undefined).length;
  const gated = (summary.blocked ?? 0) - awaiting;
  const blocked = `${gated > 0 ? `, ${gated} held back until promoted` : ''}${awaiting > 0 ? `, ${awaiting} waiting for a reviewed apply` : ''}`;
  return `${colors.bold('Plan:')} ${submissions(summary)} to submit${kinds.length > 0 ? ` (${kinds.join(', ')})` : ''}, ${summary.forget} to forget, ${unchanged}${blocked}.`;
}
