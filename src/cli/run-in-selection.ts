// A command that acts on environments (apply, refresh, status), run in the one --env names or across a selection
// (a list, a pattern, all): each selected environment side by side with its own limits, lock and state, lines
// that name their environment, one summary table at the end, a JSON report with --report, and an exit code that
// says whether every environment succeeded.

import { resolve } from 'node:path';
import { ExitError, UsageError } from '../errors.js';
import { writeFileDurably } from '../files/durable-write.js';
import { runAcrossEnvironments } from '../operations/across-environments.js';
import type { EnvironmentEnd } from '../operations/across-environments.js';
import { DEFAULT_ENVIRONMENT } from '../config/project-config.js';
import type { CommandContext } from './command-context.js';
import { environmentIo } from './environment-streams.js';
import { renderError } from './render-error.js';
import { appendSummary } from './github-actions.js';
import { runReport } from './views/run-report.js';
import type { EnvironmentWork, RunKind } from './views/run-report.js';
import { summaryMarkdown, summaryTable } from './views/run-summary.js';
import { redactSecrets } from '../redaction.js';

export interface SelectionOptions {
  /** --parallel: environments at once (else runs.parallel). */
  parallel?: number;
  /** --report FILE: where the run's JSON report is written. */
  report?: string;
  json?: boolean;
}

/** Where the work runs: whether others in the run wait for it, and whether it is one of a selection. */
export interface WorkRole {
  sourceOfPromotion: boolean;
  inSelection: boolean;
}

/** What the command does in one environment, with a context for it. */
export type WorkInEnvironment = (ctx: CommandContext, role: WorkRole) => Promise<EnvironmentWork>;

export async function runInSelection(
  ctx: CommandContext,
  kind: RunKind,
  options: SelectionOptions,
  work: WorkInEnvironment,
): Promise<void> {
  const selected = await ctx.selection();
  const reportPath = options.report === undefined ? undefined : resolve(ctx.cwd, options.report);
  const startedAt = ctx.io.clock.now();
  if (selected === undefined) {
    // One environment, as always: its own output and errors; the report, when asked, says the same.
    const config = await ctx.config();
    const environment = config.environment.name ?? DEFAULT_ENVIRONMENT;
    let end: EnvironmentEnd<EnvironmentWork>;
    try {
      const result = await work(ctx, { sourceOfPromotion: false, inSelection: false });
      end = {
        environment,
        outcome: result.succeeded ? 'succeeded' : 'failed',
        result,
        startedAt,
        endedAt: ctx.io.clock.now(),
      };
    } catch (error) {
      if (reportPath !== undefined && !(error instanceof ExitError))
        await writeReport(
          reportPath,
          kind,
          [{ environment, outcome: 'failed', error, startedAt, endedAt: ctx.io.clock.now() }],
          startedAt,
          ctx,
        );
      throw error;
    }
    if (reportPath !== undefined) await writeReport(reportPath, kind, [end], startedAt, ctx);
    if (end.outcome !== 'succeeded') throw new ExitError(1);
    return;
  }

  const top = await ctx.config();
  const parallel = options.parallel ?? top.runs.parallel;
  const steps = await Promise.all(
    selected.map(async (environment) => ({
      environment,
      promoteFrom: (await ctx.configFor(environment)).environment.promoteFrom,
    })),
  );
  // Machine output (--json) stays one JSON object per line.
  if (options.json !== true)
    ctx.logger.info(
      `${kind} in ${selected.length} environments (${selected.join(', ')}), at most ${parallel} at a time.`,
    );
  const ends = await runAcrossEnvironments(
    steps,
    { parallel, clock: ctx.io.clock },
    async (environment, role) => {
      const io = environmentIo(ctx.io, environment, options.json === true);
      const environmentCtx = ctx.forEnvironment(environment, io);
      try {
        return await work(environmentCtx, { ...role, inSelection: true });
      } catch (error) {
        // The environment's own failure, said in its own lines; the others carry on.
        if (!(error instanceof ExitError)) io.stderr.write(renderError(error, { io }));
        throw error;
      } finally {
        io.flush();
      }
    },
    (result) => result.succeeded,
  );
  for (const end of ends)
    if (end.outcome === 'held')
      ctx.logger.warn(`${end.environment} │ held: ${end.heldBecause}; nothing was done there`);

  const endedAt = ctx.io.clock.now();
  if (options.json === true) {
    const report = runReport(kind, ends, { startedAt, endedAt });
    ctx.logger.out(JSON.stringify({ type: 'run_summary', '@message': `${kind}: ${report.outcome}`, ...report }));
  } else ctx.logger.info(`\n${summaryTable(kind, ends, ctx.colors)}`);
  appendSummary(ctx.env, () => summaryMarkdown(kind, ends));
  if (reportPath !== undefined) await writeReport(reportPath, kind, ends, startedAt, ctx);
  // Ctrl-C or SIGTERM stopped the run: its exit code says so, as for one environment.
  const stopped = ends.find((end) => 'error' in end && end.error instanceof ExitError && end.error.exitCode > 1);
  if (stopped !== undefined && 'error' in stopped) throw stopped.error;
  if (ends.some((end) => end.outcome !== 'succeeded')) throw new ExitError(1);
}

async function writeReport(
  path: string,
  kind: RunKind,
  ends: readonly EnvironmentEnd<EnvironmentWork>[],
  startedAt: number,
  ctx: CommandContext,
): Promise<void> {
  const report = runReport(kind, ends, { startedAt, endedAt: ctx.io.clock.now() });
  await writeFileDurably(path, `${redactSecrets(JSON.stringify(report, null, 2))}\n`).catch((error: unknown) => {
    throw new UsageError(`the report could not be written to ${path}: ${(error as Error).message}`, {
      hint: 'Give --report a path in a folder that exists and can be written. What the run did is in the state and the audit.',
    });
  });
}
