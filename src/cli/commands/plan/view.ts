// The views of `plan`: the human plan, JSON (schemas/plan.schema.json) or the pull-request Markdown on stdout,
// and, inside GitHub Actions, the step outputs and the job summary beside it.

import { hasChanges, submissions } from '../../../plan/plan-model.js';
import type { Plan } from '../../../plan/plan-model.js';
import type { CommandContext } from '../../command-context.js';
import { appendSummary, setOutputs } from '../../github-actions.js';
import { renderHumanPlan } from '../../views/render-plan-human.js';
import { MARKDOWN_CAP, PLAN_COMMENT_MARKER, renderMarkdownPlan } from '../../views/render-plan-markdown.js';
import { markdownCode, markdownText } from '../../views/displayed-text.js';

export type PlanFormat = 'human' | 'json' | 'markdown';

export interface PlanView {
  /** The plan; `where`: the environment, API and state it is for, when the config defines environments. */
  plan(plan: Plan, where?: string): void;
  /** The plans of every environment (`--env all`): one output, a section each. */
  plans(planned: readonly { environment: string; plan: Plan; where: string | undefined }[]): void;
  /** The plan was saved to `file` for `apply` in `environment` (undefined: a config without environments). */
  saved(file: string, environment: string | undefined): void;
}

type ViewContext = Pick<CommandContext, 'env' | 'logger' | 'colors'>;

export function planView(ctx: ViewContext, format: PlanFormat): PlanView {
  const { logger } = ctx;
  return {
    plan: (plan, where) => {
      if (format === 'json') {
        // Beside JSON on stdout, the line goes to stderr: the plan file stays the plan alone.
        if (where !== undefined) logger.warn(where);
        logger.out(JSON.stringify(plan, null, 2));
      } else if (format === 'markdown') {
        logger.out(renderMarkdownPlan(plan, { where }));
      } else logger.out(`${where === undefined ? '' : `${where}\n\n`}${renderHumanPlan(plan, ctx.colors)}`);
      // GitHub's files, written only when Actions provides them: the summary page and the outputs later steps read.
      appendSummary(ctx.env, () =>
        renderMarkdownPlan(plan, {
          fullPlanHint: 'Download the saved plan artifact of this run for the full plan.',
          where,
        }),
      );
      setOutputs(ctx.env, {
        has_changes: hasChanges(plan),
        to_submit: submissions(plan.summary),
        to_forget: plan.summary.forget,
      });
    },
    plans: (planned) => {
      if (format === 'json')
        logger.out(
          JSON.stringify({ environments: Object.fromEntries(planned.map((p) => [p.environment, p.plan])) }, null, 2),
        );
      else if (format === 'markdown') logger.out(markdownOfEach(planned));
      else
        logger.out(
          planned
            .map(
              (p) =>
                `${ctx.colors.bold(p.where ?? `Environment ${p.environment}`)}\n\n${renderHumanPlan(p.plan, ctx.colors)}`,
            )
            .join('\n'),
        );
      appendSummary(ctx.env, () => markdownOfEach(planned));
      setOutputs(ctx.env, {
        has_changes: planned.some((p) => hasChanges(p.plan)),
        to_submit: planned.reduce((sum, p) => sum + submissions(p.plan.summary), 0),
        to_forget: planned.reduce((sum, p) => sum + p.plan.summary.forget, 0),
      });
    },
    saved: (file, environment) => {
      // With JSON or Markdown the plan itself is on stdout (a file, a pull-request comment): the note goes to
      // stderr, for the person at the terminal. A comment must say what the merge does, not how to apply by hand.
      const command = `cxone-exports ${environment === undefined ? '' : `--env ${environment} `}apply ${file}`;
      const note = `Saved the plan to ${file}. Apply exactly this plan with: ${command}`;
      if (format === 'human') logger.info(`\n${note}`);
      else logger.warn(note);
    },
  };
}

/** One pull-request comment for every environment: the marker once, then a section each, within the size cap. */
function markdownOfEach(planned: readonly { environment: string; plan: Plan; where: string | undefined }[]): string {
  const rollUp = rollUpTable(planned);
  const head = [PLAN_COMMENT_MARKER, '### cxone-exports plan', '', ...rollUp, ''].join('\n');
  // Each environment's details folded below the table, within one share of what is left of the comment's cap.
  const room = MARKDOWN_CAP - head.length - 200;
  const cap = Math.max(2_000, Math.floor(room / Math.max(1, planned.length)));
  const sections: string[] = [];
  let used = 0;
  let left = 0;
  for (const p of planned) {
    const body = renderMarkdownPlan(p.plan, { cap, where: p.where, section: true }).trim();
    const section = [
      `<details><summary><b>${markdownText(p.environment)}</b>: ${markdownText(summaryText(p.plan))}</summary>`,
      '',
      body,
      '',
      '</details>',
    ].join('\n');
    if (used + section.length + 1 > room) {
      left++;
      continue;
    }
    sections.push(section);
    used += section.length + 1;
  }
  const truncated =
    left === 0
      ? []
      : [
          '',
          '> [!WARNING]',
          `> The details of ${left} of ${planned.length} environments are left out to stay within GitHub's size limit; the table above counts them all. Run \`cxone-exports --env all plan\` for every plan.`,
        ];
  return `${[head, ...sections, ...truncated].join('\n')}\n`;
}

/** One row per environment: what its plan would do, at a glance, above the details. */
function rollUpTable(planned: readonly { environment: string; plan: Plan }[]): string[] {
  return [
    '| Environment | Creates | Updates | Replaces | Retries | Scheduled runs | Forgets | Blocked |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...planned
      .map(({ environment, plan: { summary } }) =>
        [
          markdownCode(environment),
          summary.create,
          summary.update,
          summary.resubmit,
          summary.retry,
          summary.run,
          summary.forget,
          summary.blocked ?? 0,
        ].join(' | '),
      )
      .map((row) => `| ${row} |`),
  ];
}

function summaryText(plan: Plan): string {
  const submit = submissions(plan.summary);
  return submit + plan.summary.forget === 0 && (plan.summary.blocked ?? 0) === 0
    ? 'no changes'
    : `${submit} to submit, ${plan.summary.forget} to forget${plan.summary.blocked ? `, ${plan.summary.blocked} blocked` : ''}`;
}
