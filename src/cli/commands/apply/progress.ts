// Progress of an apply: listr2 tasks in a terminal (one per export: waiting, submitting, retry n in 4 s,
// submitted or failed), or one JSON event per line with --json, in the manner of Terraform's machine UI.

import { Listr, ListrLogger, ProcessOutput } from 'listr2';
import { formatTick } from '../../../schedules/schedule.js';
import type { DefaultRenderer, ListrTaskWrapper, SimpleRenderer } from 'listr2';
import type { EndedExecution } from '../../../apply/completion-poller.js';
import type { SubmissionOutcome } from '../../../apply/submission-outcome.js';
import type { ApplyProgress } from '../../../operations/apply-operation.js';
import type { PlannedChange } from '../../../plan/plan-model.js';
import { formatDelay } from '../../format-delay.js';
import type { Logger } from '../../logger.js';
import type { Clock } from '../../../clock.js';

/** The progress display, and its one free-form line or event (a summary). */
export interface ProgressReporter extends ApplyProgress {
  event(type: string, message: string, fields?: Record<string, unknown>): void;
}

interface TaskSlot {
  task?: ListrTaskWrapper<unknown, typeof DefaultRenderer, typeof SimpleRenderer>;
  settled: boolean;
  done: (error?: Error) => void;
  finished: Promise<void>;
}

export interface ListrReporterOptions {
  fallback: boolean;
  /** Where the task list is drawn: the command line's streams, not necessarily the process's. */
  output: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream };
}

/** The terminal view: listr2, with its simple (line by line) renderer in CI, pipes and dumb terminals. */
export class ListrProgress implements ProgressReporter {
  private readonly slots = new Map<string, TaskSlot>();
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly options: ListrReporterOptions,
    private readonly logger: Logger,
  ) {}

  start(changes: readonly PlannedChange[]): void {
    const tasks = changes.map((change) => {
      let settle!: (error?: Error) => void;
      const finished = new Promise<void>((resolve, reject) => {
        settle = (error) => (error === undefined ? resolve() : reject(error));
      });
      const slot: TaskSlot = {
        settled: false,
        done: (error) => {
          slot.settled = true;
          settle(error);
        },
        finished,
      };
      this.slots.set(change.name, slot);
      return {
        title: `${change.name}: waiting`,
        task: async (_ctx: unknown, task: ListrTaskWrapper<unknown, typeof DefaultRenderer, typeof SimpleRenderer>) => {
          slot.task = task;
          await finished;
        },
      };
    });
    if (tasks.length === 0) return;
    const { stdout, stderr } = this.options.output;
    const processOutput = new ProcessOutput(stdout as NodeJS.WriteStream, stderr as NodeJS.WriteStream);
    const list = new Listr(tasks, {
      concurrent: true,
      exitOnError: false,
      registerSignalListeners: false,
      renderer: 'default',
      fallbackRenderer: 'simple',
      fallbackRendererCondition: this.options.fallback,
      rendererOptions: { collapseErrors: false, logger: new ListrLogger({ processOutput }) },
      fallbackRendererOptions: { logger: new ListrLogger({ processOutput }) },
    });
    this.running = list.run().catch(() => undefined);
  }

  async finish(): Promise<void> {
    await this.running;
  }

  abandon(reason: string): void {
    for (const [name, slot] of this.slots) {
      if (slot.settled) continue;
      slot.task?.skip(`${name}: ${reason}`);
      slot.done();
    }
  }

  event(_type: string, message: string): void {
    this.logger.info(message);
  }

  waiting(): void {}

  submitting(change: PlannedChange, attempt: number): void {
    this.title(change.name, `${change.name}: submitting${attempt > 1 ? ` (attempt ${attempt})` : ''}`);
  }

  retrying(change: PlannedChange, attempt: number, delayMs: number, reason: string): void {
    this.title(change.name, `${change.name}: retry ${attempt - 1} in ${formatDelay(delayMs)} after ${reason}`);
  }

  submitted(change: PlannedChange, executionId: string): void {
    this.title(change.name, `${change.name}: submitted (${executionId})`);
    this.slots.get(change.name)?.done();
  }

  failed(change: PlannedChange, reason: string, outcome: SubmissionOutcome): void {
    const note =
      outcome === 'unknown'
        ? ' [outcome unknown: the next apply resubmits with the same key]'
        : outcome === 'not-sent'
          ? ' [not sent: stays planned]'
          : '';
    this.slots.get(change.name)?.done(new Error(`${change.name}: failed: ${reason}${note}`));
  }

  skipped(change: PlannedChange, reason: string): void {
    const slot = this.slots.get(change.name);
    slot?.task?.skip(`${change.name}: ${reason}`);
    slot?.done();
  }

  recorded(change: PlannedChange): void {
    if (change.action === 'forget') this.logger.info(`${change.name}: forgotten (removed from the state; no API call)`);
    if (change.reason === 'metadata-changed') this.logger.info(`${change.name}: metadata refreshed in the state`);
    if (change.recordsHold !== undefined) this.logger.info(`${change.name}: ${heldText(change)}`);
  }

  progress(): void {}

  finished({ execution, status, rowsExported: rows, latencyMs, anomalies }: EndedExecution): void {
    const detail = [
      rows === null ? undefined : `${rows} rows`,
      latencyMs === null ? undefined : `${formatDelay(latencyMs)}`,
    ]
      .filter(Boolean)
      .join(', ');
    this.logger.info(
      `${execution.name}: ${status}${detail === '' ? '' : ` (${detail})`}${anomalies.length > 0 ? ` — anomalies: ${anomalies.join(', ')}` : ''}`,
    );
  }

  private title(name: string, title: string): void {
    const task = this.slots.get(name)?.task;
    if (task !== undefined) task.title = title;
  }
}

/** --json: one event per line on stdout; nothing else is printed there. */
export class JsonProgress implements ProgressReporter {
  constructor(
    private readonly logger: Logger,
    private readonly clock: Clock,
  ) {}

  start(): void {}
  async finish(): Promise<void> {}
  abandon(): void {}

  event(type: string, message: string, fields: Record<string, unknown> = {}): void {
    this.logger.out(
      JSON.stringify({
        '@level': type === 'failed' ? 'error' : 'info',
        '@message': message,
        '@module': 'cxone-exports',
        '@timestamp': new Date(this.clock.now()).toISOString(),
        type,
        ...fields,
      }),
    );
  }

  waiting(): void {}

  submitting(change: PlannedChange, attempt: number): void {
    this.event('submit_start', `${change.name}: submitting (attempt ${attempt})`, {
      export: change.name,
      action: change.action,
      data_action_id: change.dataActionId,
      attempt,
    });
  }

  retrying(change: PlannedChange, attempt: number, delayMs: number, reason: string): void {
    this.event('retry', `${change.name}: retry ${attempt - 1} in ${formatDelay(delayMs)} after ${reason}`, {
      export: change.name,
      attempt,
      delay_ms: delayMs,
      reason,
    });
  }

  submitted(change: PlannedChange, executionId: string): void {
    this.event('submitted', `${change.name}: submitted (${executionId})`, {
      export: change.name,
      action: change.action,
      execution_id: executionId,
    });
  }

  failed(change: PlannedChange, reason: string, outcome: SubmissionOutcome): void {
    this.event('failed', `${change.name}: failed: ${reason}`, {
      export: change.name,
      action: change.action,
      reason,
      outcome,
    });
  }

  skipped(change: PlannedChange, reason: string): void {
    this.event('skipped', `${change.name}: ${reason}`, { export: change.name, reason });
  }

  recorded(change: PlannedChange): void {
    if (change.recordsHold !== undefined && change.reason !== 'metadata-changed') {
      this.event('held', `${change.name}: ${heldText(change)}`, { export: change.name, reason: change.recordsHold });
      return;
    }
    this.event(
      change.action === 'forget' ? 'forgotten' : 'refreshed',
      `${change.name}: ${change.action === 'forget' ? 'forgotten' : 'metadata refreshed'}`,
      { export: change.name },
    );
  }

  progress(): void {}

  finished({ execution, status, rowsExported: rows, latencyMs, anomalies }: EndedExecution): void {
    this.event('completed', `${execution.name}: ${status}`, {
      export: execution.name,
      execution_id: execution.executionId,
      status,
      rows_exported: rows,
      latency_ms: latencyMs,
      anomalies,
    });
  }
}

/** A due tick that does not run, as the apply output says it. */
function heldText(change: PlannedChange): string {
  const tick = change.schedule?.tick;
  const when = tick == null ? '' : ` ${formatTick(new Date(tick), change.schedule!.timeZone)}`;
  return change.recordsHold === 'previous-still-running'
    ? `the tick${when} waits: the previous execution is still running`
    : `the tick${when} is skipped: it is older than the schedule's startingDeadline`;
}
