// What the environment's policies found, shown with the plan in every format: a block in the terminal, a table in
// the pull-request comment, and an annotation per hit inside GitHub Actions (JSON carries them in `policyHits`).

import { blocksApply } from '../../plan/plan-model.js';
import type { Plan, PolicyHit } from '../../plan/plan-model.js';
import type { Colors } from '../color.js';
import { escapeData, escapeProperty } from '../github-actions.js';
import { markdownCode, markdownText, visibleText } from './displayed-text.js';

function why(hit: PolicyHit): string {
  if (hit.error !== undefined) return `the rule could not be evaluated on it (${hit.error}), so it is denied`;
  const { approval } = hit;
  const about = hit.description ?? '';
  if (approval === undefined) return about;
  const status =
    approval.overriddenBy !== undefined
      ? `overridden by ${approval.overriddenBy.actor}: ${approval.overriddenBy.reason}`
      : approval.approvedBy !== null
        ? `approved by ${approval.approvedBy}`
        : `needs an approval by ${approval.approvers.join(' or ')}${approval.missing === undefined ? '' : ` (${approval.missing})`}`;
  return about === '' ? status : `${about}; ${status}`;
}

/** How a hit is marked: a deny, a warning, or an approval given or still wanted. */
function levelText(hit: PolicyHit): string {
  if (hit.level !== 'approval') return hit.level;
  return blocksApply(hit) ? 'approval needed' : 'approved';
}

/** The terminal's block, after the plan; empty when nothing was hit. */
export function policyLines(plan: Plan, colors: Colors): string {
  const hits = plan.policyHits ?? [];
  if (hits.length === 0) return '';
  const denied = hits.filter(blocksApply).length;
  const lines = hits.map((hit) => {
    const mark = blocksApply(hit)
      ? colors.red(`✖ ${levelText(hit)}`)
      : hit.level === 'approval'
        ? colors.green(`✔ ${levelText(hit)}`)
        : colors.yellow('! warn');
    const reason = why(hit);
    return `  ${mark}  ${hit.policy}: export ${hit.export} in ${hit.environment}${reason === '' ? '' : ` — ${visibleText(reason)}`}`;
  });
  const verdict =
    denied > 0
      ? colors.red(
          `${denied} change${denied === 1 ? ' is' : 's are'} denied by policy: apply sends nothing until the plan has none.`,
        )
      : colors.yellow('Warnings only: apply goes ahead.');
  return `\nPolicies:\n${lines.join('\n')}\n${verdict}\n`;
}

/** The comment's section: a row per hit; empty when nothing was hit. */
export function policyMarkdown(plan: Plan): string[] {
  const hits = plan.policyHits ?? [];
  if (hits.length === 0) return [];
  const denied = hits.some(blocksApply);
  return [
    '#### Policies',
    '',
    denied ? '**Denied by policy: apply sends nothing until these are resolved.**' : 'Warnings only: apply goes ahead.',
    '',
    '| Level | Policy | Export | Environment | Why |',
    '| --- | --- | --- | --- | --- |',
    ...hits.map(
      (hit) =>
        `| ${blocksApply(hit) ? `⛔ ${levelText(hit)}` : hit.level === 'approval' ? '✅ approved' : '⚠️ warn'} | ${markdownCode(hit.policy)} | ${markdownCode(hit.export)} | ${markdownCode(hit.environment)} | ${markdownText(why(hit))} |`,
    ),
    '',
  ];
}

/** One workflow command per hit: an error for a deny, a warning for a warn. */
export function policyAnnotations(plan: Plan): string[] {
  return (plan.policyHits ?? []).map(
    (hit) =>
      `::${blocksApply(hit) ? 'error' : 'warning'} title=${escapeProperty(`cxone-exports policy ${hit.policy}`)}::${escapeData(`${hit.export} in ${hit.environment}: ${why(hit) || hit.level}`)}`,
  );
}
