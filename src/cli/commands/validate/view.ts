// The views of `validate`: positioned problems for a person, JSON, GitHub annotations, or the pull-request
// comment that stands in for the plan. Inside GitHub Actions the annotations are the default.

import type { Diagnostic } from '../../../diagnostics/diagnostic.js';
import type { CommandContext } from '../../command-context.js';
import { escapeData, inGitHubActions } from '../../github-actions.js';
import type { LoopbackCallbacks } from '../../../definitions/callback-reachability.js';
import { loopbackCallbackWarning } from '../../../definitions/callback-reachability.js';
import {
  plural,
  renderGithubDiagnostics,
  renderHumanDiagnostics,
  renderJsonDiagnostics,
  renderMarkdownDiagnostics,
  renderProblemSummary,
} from '../../views/render-diagnostics.js';
import type { DiagnosticFormat } from '../../views/render-diagnostics.js';
import { PLAN_COMMENT_MARKER } from '../../views/render-plan-markdown.js';

export interface ValidateView {
  /** The format chosen (inside GitHub Actions, annotations unless asked otherwise). */
  readonly format: DiagnosticFormat;
  /** The problems that make the definitions invalid, with the warnings found beside them. */
  problems(diagnostics: readonly Diagnostic[], warnings?: readonly Diagnostic[]): void;
  loopbackCallbacks(found: LoopbackCallbacks): void;
  valid(definitions: number, files: number, warnings?: readonly Diagnostic[]): void;
}

type ViewContext = Pick<CommandContext, 'env' | 'logger' | 'colors'>;

export function validateView(ctx: ViewContext, requested: DiagnosticFormat | undefined): ValidateView {
  const format = requested ?? (inGitHubActions(ctx.env) ? 'github' : 'human');
  const { logger, colors } = ctx;
  const humanWarnings = (warnings: readonly Diagnostic[]) =>
    warnings.length === 0 ? '' : `\n${renderHumanDiagnostics(warnings, colors, 'warning')}`;
  return {
    format,
    problems: (diagnostics, warnings = []) => {
      const list = [...diagnostics];
      if (format === 'json') logger.out(renderJsonDiagnostics(list, warnings));
      else if (format === 'github')
        logger.out(
          renderGithubDiagnostics(list) +
            renderGithubDiagnostics(warnings, 'warning') +
            renderProblemSummary(list, colors),
        );
      else if (format === 'markdown') logger.out(renderMarkdownDiagnostics(list, PLAN_COMMENT_MARKER));
      else
        logger.out(
          `${renderHumanDiagnostics(list, colors)}${humanWarnings(warnings)}\n${renderProblemSummary(list, colors)}`,
        );
    },
    loopbackCallbacks: (found) =>
      logger.warn(
        format === 'github'
          ? `::warning title=cxone-exports loopback callback::${escapeData(found.problem)}`
          : loopbackCallbackWarning(found),
      ),
    valid: (definitions, files, warnings = []) => {
      const are = definitions === 1 ? 'is' : 'are';
      const warned = warnings.length === 0 ? '' : `, with ${plural(warnings.length, 'warning')}`;
      if (format === 'json') logger.out(renderJsonDiagnostics([], warnings));
      else if (format === 'markdown')
        logger.out(
          `${PLAN_COMMENT_MARKER}\n### cxone-exports plan\n\n✔ ${plural(definitions, 'export definition')} ${are} valid${warned}.\n${markdownWarnings(warnings)}`,
        );
      else {
        if (format === 'github') logger.out(renderGithubDiagnostics(warnings, 'warning'));
        else if (warnings.length > 0) logger.out(humanWarnings(warnings));
        logger.info(
          `${colors.green('✔')} ${plural(definitions, 'export definition')} in ${plural(files, 'file')} ${are} valid${warned}.`,
        );
      }
    },
  };
}

/** Warnings under a valid plan-comment stand-in: one line each, where they are and what they say. */
function markdownWarnings(warnings: readonly Diagnostic[]): string {
  if (warnings.length === 0) return '';
  const lines = warnings.map(
    (w) => `- \`${w.file}:${w.line}\`${w.export === null ? '' : ` \`${w.export}\``}: ${w.message} (\`${w.rule}\`)`,
  );
  return `\n**Warnings**\n\n${lines.join('\n')}\n`;
}
