// What `cxone-exports validate` does when it runs: every problem in every definition, positioned, in one run.

import { relative } from 'node:path';
import type { ProjectConfig } from '../../../config/project-config.js';
import { DefinitionCache } from '../../../definitions/definition-cache.js';
import { validateDefinitions } from '../../../definitions/load-definitions.js';
import type { Diagnostic } from '../../../diagnostics/diagnostic.js';
import { DiagnosticsError } from '../../../diagnostics/diagnostics-error.js';
import { ExitError, UsageError } from '../../../errors.js';
import type { CommandContext } from '../../command-context.js';
import { callbackReachOf, loopbackCallbacks } from '../../../definitions/callback-reachability.js';
import { plural } from '../../views/render-diagnostics.js';
import { validateView } from './view.js';
import type { ValidateView } from './view.js';
import type { DiagnosticFormat } from '../../views/render-diagnostics.js';

export interface ValidateOptions {
  format?: DiagnosticFormat;
  jobs?: number;
}

export async function validate(ctx: CommandContext, paths: string[], options: ValidateOptions): Promise<void> {
  const view = validateView(ctx, options.format);
  let config: ProjectConfig;
  try {
    config = await ctx.config();
  } catch (error) {
    // Config problems are reported like definition problems, in the format asked for.
    if (error instanceof DiagnosticsError && view.format !== 'human') return problems(view, error.diagnostics);
    throw error;
  }

  const targets = paths.length > 0 ? paths : [config.exportsDir];
  const started = ctx.io.clock.now();
  // With environments and no --env, every environment is checked, each on its own merged definitions.
  const { name, names } = config.environment;
  // Files checked before, unchanged, are not checked again (docs/guides/writing-definitions.md: the cache).
  const cache = DefinitionCache.open(config.cacheDir);
  const configs =
    name === undefined && names.length > 0
      ? await Promise.all(names.map((environment) => ctx.configFor(environment)))
      : [config];
  const checked = await validateDefinitions(configs, ctx.cwd, targets, { cache, threads: options.jobs });
  if (checked.fileCount === 0 && checked.diagnostics.length === 0) {
    const where = paths.length > 0 ? paths.join(', ') : `${relative(ctx.cwd, config.exportsDir) || '.'}/`;
    throw new UsageError(`nothing to validate: no *.yaml or *.yml files in ${where}`, {
      hint: 'Add an export definition (the guide docs/guides/writing-definitions.md), or pass the files to check: cxone-exports validate exports/',
    });
  }
  ctx.logger.debug(
    `validate: ${checked.fileCount} files, ${checked.documentCount} documents in ${Math.round(ctx.io.clock.now() - started)} ms on ${plural(checked.threads, 'thread')}`,
  );
  if (checked.diagnostics.length > 0) return problems(view, checked.diagnostics, checked.warnings);

  if (checked.definitions.length === 0) {
    throw new UsageError(`nothing to validate: ${plural(checked.fileCount, 'file')} held no export definitions`, {
      hint: 'Each definition is a YAML document with apiVersion, kind, metadata and spec; see docs/guides/writing-definitions.md.',
    });
  }
  // Each environment's callback URLs against its own API: loopback callbacks are fine where its API is local too.
  configs.forEach((environmentConfig, index) => {
    const loopback = loopbackCallbacks(checked.perEnvironment[index]!, callbackReachOf(environmentConfig));
    if (loopback !== undefined) view.loopbackCallbacks(loopback);
  });
  view.valid(checked.definitions.length, checked.fileCount, checked.warnings);
}

function problems(view: ValidateView, diagnostics: Diagnostic[], warnings: readonly Diagnostic[] = []): never {
  view.problems(diagnostics, warnings);
  throw new ExitError(1);
}
