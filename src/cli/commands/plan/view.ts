// The views of `plan`: the human plan, JSON (schemas/plan.schema.json) or the pull-request Markdown on stdout,
// and, inside GitHub Actions, the step outputs and the job summary beside it.

import { hasChanges, submissions } from '../../../plan/plan-model.js';
import type { Plan } from '../../../plan/plan-model.js';
import type { CommandContext } from '../../command-context.js';
import { appendSummary, setOutputs } from '../../github-actions.js';
import { renderHumanPlan } from '../../views/render-plan-human.js';
import { MARKDOWN_CAP, PLAN_COMMENT_MARKER, renderMarkdownPlan } from '../../views/render-plan-markdown.js';

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
  const cap = Math.floor(MARKDOWN_CAP / Math.max(1, planned.length));
  const sections = planned.map((p) => {
    // Each environment's plan as a section: the whole comment has the marker and the title once.
    return [
      `#### ${p.environment}`,
      '',
      renderMarkdownPlan(p.plan, { cap, where: p.where, section: true }).trim(),
    ].join('\n');
  });
  return `${[PLAN_COMMENT_MARKER, '### cxone-exports plan', '', ...sections].join('\n')}\n`;
}
