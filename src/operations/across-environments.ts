// Runs one piece of work in each selected environment, side by side, at most `parallel` at a time. An
// environment promoted from another in the same run starts once its source has finished, and is held when the
// source did not succeed: Atlantis' parallel runs, with Terragrunt's "continue past one failure". Time comes only
// from the clock; what the work prints is the caller's.

import type { Clock } from '../clock.js';

export interface EnvironmentStep {
  environment: string;
  /** The environment it is promoted from, when it is one; it waits for that one when it is in the same run. */
  promoteFrom: string | undefined;
}

/** What the work in one environment came to. */
export type EnvironmentEnd<R> =
  | { environment: string; outcome: 'succeeded' | 'failed'; result: R; startedAt: number; endedAt: number }
  | { environment: string; outcome: 'failed'; error: unknown; startedAt: number; endedAt: number }
  | { environment: string; outcome: 'held'; heldBecause: string };

export interface AcrossOptions {
  parallel: number;
  clock: Clock;
}

/** Whether another environment of the run waits for this one (its promotion source is in the same run). */
export interface StepRole {
  sourceOfPromotion: boolean;
}

/**
 * Runs `work` in every step's environment and says how each ended, in the steps' order. `succeeded` judges a
 * result (a failed export is a result, not an error); a thrown error is that environment's failure alone.
 */
export async function runAcrossEnvironments<R>(
  steps: readonly EnvironmentStep[],
  options: AcrossOptions,
  work: (environment: string, role: StepRole) => Promise<R>,
  succeeded: (result: R) => boolean,
): Promise<EnvironmentEnd<R>[]> {
  const inRun = new Set(steps.map((step) => step.environment));
  const sources = new Set(
    steps.map((step) => step.promoteFrom).filter((from) => from !== undefined && inRun.has(from)),
  );
  const ends = new Map<string, EnvironmentEnd<R>>();
  const waiting = [...steps];
  let running = 0;
  let wake: (() => void) | undefined;

  const start = (step: EnvironmentStep) => {
    running++;
    const startedAt = options.clock.now();
    void work(step.environment, { sourceOfPromotion: sources.has(step.environment) })
      .then(
        (result): EnvironmentEnd<R> => ({
          environment: step.environment,
          outcome: succeeded(result) ? 'succeeded' : 'failed',
          result,
          startedAt,
          endedAt: options.clock.now(),
        }),
        (error: unknown): EnvironmentEnd<R> => ({
          environment: step.environment,
          outcome: 'failed',
          error,
          startedAt,
          endedAt: options.clock.now(),
        }),
      )
      .then((end) => {
        ends.set(step.environment, end);
        running--;
        wake?.();
      });
  };

  while (waiting.length > 0 || running > 0) {
    // Hold what depends on a source that did not succeed; start what is ready, within the limit.
    for (let index = 0; index < waiting.length;) {
      const step = waiting[index]!;
      const source = step.promoteFrom !== undefined && inRun.has(step.promoteFrom) ? step.promoteFrom : undefined;
      const sourceEnd = source === undefined ? undefined : ends.get(source);
      if (sourceEnd !== undefined && sourceEnd.outcome !== 'succeeded') {
        ends.set(step.environment, {
          environment: step.environment,
          outcome: 'held',
          heldBecause: `its promotion source ${source!} ${sourceEnd.outcome === 'held' ? 'was held' : 'failed'} in this run`,
        });
        waiting.splice(index, 1);
      } else if ((source === undefined || sourceEnd !== undefined) && running < options.parallel) {
        waiting.splice(index, 1);
        start(step);
      } else index++;
    }
    if (running === 0 && waiting.length === 0) break;
    if (running === 0) {
      // Nothing runs and nothing can start: the rest promote from each other in a circle.
      for (const step of waiting.splice(0))
        ends.set(step.environment, {
          environment: step.environment,
          outcome: 'held',
          heldBecause: `its promotion source ${step.promoteFrom!} never finished: promoteFrom goes round in a circle`,
        });
      break;
    }
    await new Promise<void>((resolve) => (wake = resolve));
  }
  return steps.map((step) => ends.get(step.environment)!);
}
