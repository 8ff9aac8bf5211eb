// The plan for a pull-request comment: summary first, a table of changes, a collapsible diff per export, and a
// hidden marker so a workflow finds and updates its own comment. Hard-capped below GitHub's 65,536 characters.

import { createColors } from '../color.js';
import type { Plan, PlannedChange } from '../../plan/plan-model.js';
import { isShown } from '../../plan/plan-model.js';
import { fenceFor, markdownCode, markdownText, visibleText } from './displayed-text.js';
import { policyMarkdown } from './render-policy-hits.js';
import { actionStyle, reasonText, scheduleLines, showValue, summaryLine } from './render-plan-human.js';

export const PLAN_COMMENT_MARKER = '<!-- cxone-exports-plan -->';
/** GitHub refuses comments over 65,536 characters; stay clear of it. */
export const MARKDOWN_CAP = 60_000;

/** What happens after merge: the apply workflow plans again, so the comment must not promise this exact plan. */
export const AFTER_MERGE =
  'This is the plan for this branch as of this push. When the pull request merges, the apply workflow plans again on the latest `main` and its state, and applies that plan: changes merged in the meantime, and executions recorded since, are taken into account.';

const EMOJI: Record<string, string> = { '+': '🟢', '~': '🟡', '↻': '🔁', '-/+': '🔄', '-': '🔴', '⏰': '⏰' };

export interface MarkdownPlanOptions {
  cap?: number;
  fullPlanHint?: string;
  /** The environment, API and state the plan is for, shown under the title. */
  where?: string | undefined;
  /** One environment's section of a larger comment: no marker and no title of its own. */
  section?: boolean;
}

export function renderMarkdownPlan(plan: Plan, options: MarkdownPlanOptions = {}): string {
  const cap = options.cap ?? MARKDOWN_CAP;
  const plain = createColors(0);
  const shown = plan.changes.filter(isShown);
  const schedules = scheduleBlock(plan);
  const header = [
    ...(options.section === true ? [] : [PLAN_COMMENT_MARKER, `### cxone-exports plan`, '']),
    ...(options.where === undefined ? [] : [`**${markdownText(options.where)}**`, '']),
    `**${summaryLine(plan.summary, plan.changes, plain).replace(/^Plan: /, '')}**`,
    '',
  ];
  if (shown.length === 0)
    return `${[...header, ...policyMarkdown(plan), 'No changes. Exports match the state.', ...schedules].join('\n')}\n`;
  const onMerge = ['', `> [!NOTE]`, `> ${AFTER_MERGE}`];

  const tableHead = ['| | Export | Action | Reason | Data action | Source |', '| --- | --- | --- | --- | --- | --- |'];
  const rows: string[] = [];
  const details: string[] = [];
  const truncationReserve = 1000;
  let used = header.join('\n').length + tableHead.join('\n').length + 50;
  let included = 0;
  for (const change of shown) {
    const row = tableRow(change);
    // A scheduled run sends the applied definition again: its row says all there is.
    const block = change.action === 'run' ? '' : detailsBlock(change);
    if (used + row.length + block.length + 2 > cap - truncationReserve) break;
    rows.push(row);
    details.push(block);
    used += row.length + block.length + 2;
    included++;
  }
  const out = [
    ...header,
    ...policyMarkdown(plan),
    ...tableHead,
    ...rows,
    '',
    ...details.filter((d) => d !== ''),
    ...schedules,
    ...onMerge,
  ];
  const left = shown.length - included;
  if (left > 0) {
    const where =
      options.fullPlanHint ??
      'Run `cxone-exports plan` locally, or download the saved plan artifact of this workflow run, for the full plan.';
    out.push(
      '',
      `> [!WARNING]`,
      `> This comment was truncated to stay within GitHub's size limit: ${left} of ${shown.length} changed exports are left out. ${where}`,
    );
  }
  return `${out.join('\n')}\n`;
}

/** The scheduled exports' next runs, folded away: a reviewer opens it when a schedule changes. */
function scheduleBlock(plan: Plan): string[] {
  const lines = scheduleLines(plan, createColors(0)).trim().split('\n').slice(1);
  if (lines.length === 0) return [];
  const count = lines.length;
  const body = lines.map((l) => visibleText(l.trim())).join('\n');
  const fence = fenceFor(body);
  return [
    '',
    `<details><summary>Schedules: ${count} scheduled export${count === 1 ? '' : 's'}</summary>`,
    '',
    fence,
    body,
    fence,
    '',
    '</details>',
  ];
}

function tableRow(change: PlannedChange): string {
  const style = actionStyle(change);
  const action =
    change.reason === 'replaced' ? 'replace' : change.reason === 'metadata-changed' ? 'metadata only' : change.action;
  const cells = [
    EMOJI[style.symbol] ?? '',
    markdownCode(change.name),
    action,
    markdownText(reasonText(change)),
    markdownCode(change.dataActionId),
    markdownCode(`${change.source.file}:${change.source.line}`),
  ];
  return `| ${cells.join(' | ')} |`;
}

function detailsBlock(change: PlannedChange): string {
  const style = actionStyle(change);
  const lines = change.fieldChanges.map((field) => {
    const path = visibleText(field.path);
    if (field.before === null) return `+ ${path} = ${showValue(field.after)}`;
    if (field.after === null) return `- ${path} = ${showValue(field.before)}`;
    return `- ${path} = ${showValue(field.before)}\n+ ${path} = ${showValue(field.after)}`;
  });
  const body = lines.join('\n');
  const fence = fenceFor(body);
  return [
    `<details><summary>${style.symbol} ${markdownCode(change.name)} will be ${style.verb}</summary>`,
    '',
    `${fence}diff`,
    body,
    fence,
    '',
    '</details>',
  ].join('\n');
}
