// The views of `validate`: positioned problems for a person, JSON, GitHub annotations, or the pull-request
// comment that stands in for the plan. Inside GitHub Actions the annotations are the default.

import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import type { CommandContext } from '../command-context.js';
import { escapeData, inGitHubActions } from '../github-actions.js';
import type { LoopbackCallbacks } from '../loopback-callbacks.js';
import { loopbackCallbackWarning } from '../loopback-callbacks.js';
import {
  plural,
  renderGithubDiagnostics,
  renderHumanDiagnostics,
  renderJsonDiagnostics,
  renderMarkdownDiagnostics,
  renderProblemSummary,
} from '../render-diagnostics.js';
import type { DiagnosticFormat } from '../render-diagnostics.js';
import { PLAN_COMMENT_MARKER } from '../render-plan-markdown.js';

export interface ValidateView {
  /** The format chosen (inside GitHub Actions, annotations unless asked otherwise). */
  readonly format: DiagnosticFormat;
  problems(diagnostics: readonly Diagnostic[]): void;
  loopbackCallbacks(found: LoopbackCallbacks): void;
  valid(definitions: number, files: number): void;
}

type ViewContext = Pick<CommandContext, 'env' | 'logger' | 'colors'>;

export function validateView(ctx: ViewContext, requested: DiagnosticFormat | undefined): ValidateView {
  const format = requested ?? (inGitHubActions(ctx.env) ? 'github' : 'human');
  const { logger, colors } = ctx;
  return {
    format,
    problems: (diagnostics) => {
      const list = [...diagnostics];
      if (format === 'json') logger.out(renderJsonDiagnostics(list));
      else if (format === 'github') logger.out(renderGithubDiagnostics(list) + renderProblemSummary(list, colors));
      else if (format === 'markdown') logger.out(renderMarkdownDiagnostics(list, PLAN_COMMENT_MARKER));
      else logger.out(`${renderHumanDiagnostics(list, colors)}\n${renderProblemSummary(list, colors)}`);
    },
    loopbackCallbacks: (found) =>
      logger.warn(
        format === 'github'
          ? `::warning title=cxone-exports loopback callback::${escapeData(found.problem)}`
          : loopbackCallbackWarning(found),
      ),
    valid: (definitions, files) => {
      const are = definitions === 1 ? 'is' : 'are';
      if (format === 'json') logger.out(renderJsonDiagnostics([]));
      else if (format === 'markdown')
        logger.out(
          `${PLAN_COMMENT_MARKER}\n### cxone-exports plan\n\n✔ ${plural(definitions, 'export definition')} ${are} valid.\n`,
        );
      else
        logger.info(
          `${colors.green('✔')} ${plural(definitions, 'export definition')} in ${plural(files, 'file')} ${are} valid.`,
        );
    },
  };
}
