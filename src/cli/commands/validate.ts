// `cxone-exports validate [paths…]`: every problem in every definition, positioned, in one run.

import { relative } from 'node:path';
import type { ProjectConfig } from '../../config/project-config.js';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { DiagnosticsError } from '../../diagnostics/diagnostics-error.js';
import { ExitError, UsageError } from '../../errors.js';
import { Option } from 'commander';
import type { CommandDescriptor } from '../command-descriptor.js';
import type { CommandContext } from '../command-context.js';
import {
  plural,
  renderGithubDiagnostics,
  renderHumanDiagnostics,
  renderJsonDiagnostics,
  renderMarkdownDiagnostics,
  renderProblemSummary,
} from '../render-diagnostics.js';
import { PLAN_COMMENT_MARKER } from '../render-plan-markdown.js';
import { escapeData } from '../github-actions.js';
import { loopbackCallbacks, loopbackCallbackWarning } from '../loopback-callbacks.js';
import type { DiagnosticFormat } from '../render-diagnostics.js';

export interface ValidateOptions {
  format?: DiagnosticFormat;
}

export const validateCommand: CommandDescriptor<ValidateOptions> = {
  path: ['validate'],
  description: 'check export definitions against the schema and the CXone contract; needs no credentials',
  arguments: [
    { name: '[paths...]', description: 'files or directories to check (default: exportsDir from the config)' },
  ],
  options: [
    new Option(
      '--format <format>',
      'output format (markdown: the pull-request comment that replaces the plan)',
    ).choices(['human', 'json', 'github', 'markdown']),
  ],
  run: (ctx, [paths], options) => validate(ctx, paths as string[], options),
};

async function validate(ctx: CommandContext, paths: string[], options: ValidateOptions): Promise<void> {
  const format = options.format ?? (ctx.env.GITHUB_ACTIONS === 'true' ? 'github' : 'human');
  let config: ProjectConfig;
  try {
    config = await ctx.config();
  } catch (error) {
    // Config problems are reported like definition problems, in the format asked for.
    if (error instanceof DiagnosticsError && format !== 'human') return report(ctx, format, error.diagnostics);
    throw error;
  }

  // Loaded when needed: the schema checker is the heaviest module of the CLI.
  const { loadDefinitions } = await import('../../definitions/load-definitions.js');
  const targets = paths.length > 0 ? paths : [config.exportsDir];
  const started = performance.now();
  const checked = await loadDefinitions(config, ctx.cwd, targets);
  if (checked.fileCount === 0 && checked.diagnostics.length === 0) {
    const where = paths.length > 0 ? paths.join(', ') : `${relative(ctx.cwd, config.exportsDir) || '.'}/`;
    throw new UsageError(`nothing to validate: no *.yaml or *.yml files in ${where}`, {
      hint: 'Add an export definition (see "Writing a definition" in the README), or pass the files to check: cxone-exports validate exports/',
    });
  }
  ctx.logger.debug(
    `validate: ${checked.fileCount} files, ${checked.documentCount} documents in ${Math.round(performance.now() - started)} ms`,
  );
  if (checked.diagnostics.length > 0) return report(ctx, format, checked.diagnostics);

  if (checked.definitions.length === 0) {
    throw new UsageError(`nothing to validate: ${plural(checked.fileCount, 'file')} held no export definitions`, {
      hint: 'Each definition is a YAML document with apiVersion, kind, metadata and spec; see the README.',
    });
  }
  const loopback = loopbackCallbacks(checked.definitions, config);
  if (loopback !== undefined)
    ctx.logger.warn(
      format === 'github'
        ? `::warning title=cxone-exports loopback callback::${escapeData(loopback.problem)}`
        : loopbackCallbackWarning(loopback),
    );
  if (format === 'json') ctx.logger.out(renderJsonDiagnostics([]));
  else if (format === 'markdown')
    ctx.logger.out(
      `${PLAN_COMMENT_MARKER}\n### cxone-exports plan\n\n✔ ${plural(checked.definitions.length, 'export definition')} ${checked.definitions.length === 1 ? 'is' : 'are'} valid.\n`,
    );
  else
    ctx.logger.info(
      `${ctx.colors.green('✔')} ${plural(checked.definitions.length, 'export definition')} in ${plural(checked.fileCount, 'file')} ${checked.definitions.length === 1 ? 'is' : 'are'} valid.`,
    );
}

function report(ctx: CommandContext, format: DiagnosticFormat, diagnostics: Diagnostic[]): never {
  if (format === 'json') ctx.logger.out(renderJsonDiagnostics(diagnostics));
  else if (format === 'github')
    ctx.logger.out(renderGithubDiagnostics(diagnostics) + renderProblemSummary(diagnostics, ctx.colors));
  else if (format === 'markdown') ctx.logger.out(renderMarkdownDiagnostics(diagnostics, PLAN_COMMENT_MARKER));
  else
    ctx.logger.out(
      `${renderHumanDiagnostics(diagnostics, ctx.colors)}\n${renderProblemSummary(diagnostics, ctx.colors)}`,
    );
  throw new ExitError(1);
}
