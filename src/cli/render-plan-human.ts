// The plan for a terminal, in Terraform's visual language: a symbol per action, field-level before/after lines,
// unchanged fields hidden, and one summary line.

import type { Plan, PlanSummary, PlannedChange } from '../plan/plan-model.js';
import { submissions } from '../plan/plan-model.js';
import type { Colors } from './color.js';

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
  'metadata-changed': 'metadata only; the state is refreshed, no execution',
  unchanged: 'unchanged',
  'not-promoted': 'not promoted: this definition has no completed execution in the environment it is promoted from',
};

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
    default:
      return { symbol: '~', verb: 'refreshed', color: (c, t) => c.yellow(t) };
  }
}

export function reasonText(change: PlannedChange): string {
  if (change.blockedBy !== undefined)
    return `not promoted: this definition has no completed execution in ${change.blockedBy.environment} yet; it would be ${change.blockedBy.wouldBe === 'create' ? 'created' : 'updated'} once it has (or with --ignore-promotion)`;
  const last = change.lastError;
  if (last === undefined) return REASONS[change.reason];
  // The stored reason, so a reviewer sees whether the same refusal is coming again.
  return `last execution ${last.status === 'submit-failed' ? 'was refused' : last.status} at ${last.at}${last.message === null ? '' : `: ${last.message}`}`;
}

/** A value as it is sent: strings quoted with escapes visible (a tab shows as "\t"). */
export function showValue(value: unknown): string {
  return value === null || value === undefined ? '(none)' : JSON.stringify(value);
}

export function renderHumanPlan(plan: Plan, colors: Colors): string {
  const shown = plan.changes.filter((c) => c.action !== 'no-op' || c.reason === 'metadata-changed');
  if (shown.length === 0) return `${colors.green('No changes.')} Exports match the state.\n`;
  const lines: string[] = ['cxone-exports will perform the following actions:', ''];
  for (const change of shown) {
    const style = actionStyle(change);
    lines.push(colors.bold(`  # ${change.name} will be ${style.verb}`) + colors.dim(` (${reasonText(change)})`));
    lines.push(`  ${style.color(colors, style.symbol)} export "${change.name}" {`);
    const width = Math.max(0, ...change.fieldChanges.map((f) => f.path.length));
    for (const field of change.fieldChanges) lines.push(`      ${fieldLine(field, width, change, colors)}`);
    if (change.fieldChanges.length === 0)
      lines.push(colors.dim('      # no field changes: the same definition is submitted again'));
    lines.push('    }');
    lines.push(colors.dim(`    ${change.source.file}:${change.source.line}`), '');
  }
  lines.push(summaryLine(plan.summary, plan.changes, colors));
  return `${lines.join('\n')}\n`;
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
  const kinds = (['create', 'update', 'retry', 'resubmit'] as const)
    .filter((k) => summary[k] > 0)
    .map((k) => `${summary[k]} ${k}`);
  const metadataOnly = changes.filter((c) => c.reason === 'metadata-changed').length;
  const unchanged = `${summary.noop} unchanged${metadataOnly > 0 ? ` (${metadataOnly} with metadata changes)` : ''}`;
  const blocked = (summary.blocked ?? 0) > 0 ? `, ${summary.blocked} held back until promoted` : '';
  return `${colors.bold('Plan:')} ${submissions(summary)} to submit${kinds.length > 0 ? ` (${kinds.join(', ')})` : ''}, ${summary.forget} to forget, ${unchanged}${blocked}.`;
}
