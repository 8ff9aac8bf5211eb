// Checking many definition files on several threads: the main thread and `threads - 1` workers take batches
// from one queue until it is empty, so a slow file or a late-starting worker leaves no thread idle. A batch a
// worker could not finish (it failed to start, or died) goes back to the queue for the others. The results are
// what checkDefinitionFile gives, in task order, whichever thread made them.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { checkDefinitionFile } from './check-definitions.js';
import { idleCoresNow } from './idle-cores.js';
import type { FileCheck } from './check-definitions.js';
import type { CheckTask } from './check-worker.js';
import type { RuleConfig } from './contract-rules.js';
import type { Worker as WorkerThread } from 'node:worker_threads';

/** Files per message: enough that messaging costs little, few enough that the threads finish together. */
const BATCH = 8;

/**
 * Batches a worker holds at once: one it checks and one waiting, so it never waits for the main thread, which
 * hands out batches only between its own.
 */
const IN_FLIGHT = 2;

/** Below this many files, starting a worker (it loads the parser and the schemas) costs more than it saves. */
const PARALLEL_FROM_FILES = 64;

// Beside this module in tsc's output and in the bundle (see build/finish-build.ts); absent when the sources run
// directly, as in unit tests: then everything is checked on the main thread.
const WORKER = fileURLToPath(new URL('./check-worker.js', import.meta.url));

export async function checkInParallel(
  tasks: readonly CheckTask[],
  configs: readonly RuleConfig[],
  /** Undefined: one per idle core, asked only when there are enough files to share out. */
  threads: number | undefined,
): Promise<{ results: FileCheck[]; threads: number }> {
  const results = new Array<FileCheck>(tasks.length);
  const queue: [number, number][] = [];
  for (let start = 0; start < tasks.length; start += BATCH) queue.push([start, Math.min(tasks.length, start + BATCH)]);
  const workerCount = tasks.length >= PARALLEL_FROM_FILES && existsSync(WORKER) ? (threads ?? idleCoresNow()) - 1 : 0;
  const workers: Promise<void>[] = [];
  if (workerCount > 0) {
    // Loaded only when workers start: a small repository's check never pays for the module.
    const { Worker } = await import('node:worker_threads');
    const workerData = { configs: configs.map(plainRuleConfig) };
    for (let i = 0; i < workerCount; i++)
      workers.push(runWorker(new Worker(WORKER, { workerData }), tasks, queue, results));
  }
  const checkHere = ([start, end]: [number, number]) => {
    for (let i = start; i < end; i++) results[i] = checkDefinitionFile(tasks[i]!.file, configs[tasks[i]!.config]!);
  };
  for (let range = queue.shift(); range !== undefined; range = queue.shift()) {
    checkHere(range);
    // Let the workers' results in and their next batches out.
    await new Promise((resolve) => setImmediate(resolve));
  }
  await Promise.all(workers);
  // A worker that failed after the main thread's last batch left its batch in the queue.
  for (let range = queue.shift(); range !== undefined; range = queue.shift()) checkHere(range);
  return { results, threads: workers.length + 1 };
}

/** One worker's share: it takes batches until the queue is empty; resolves when it has exited. */
function runWorker(
  worker: WorkerThread,
  tasks: readonly CheckTask[],
  queue: [number, number][],
  results: FileCheck[],
): Promise<void> {
  return new Promise((resolve) => {
    // Oldest first, as the worker answers them.
    const inFlight: [number, number][] = [];
    const fill = () => {
      while (inFlight.length < IN_FLIGHT && queue.length > 0) {
        const range = queue.shift()!;
        inFlight.push(range);
        worker.postMessage(tasks.slice(range[0], range[1]));
      }
      if (inFlight.length === 0) worker.postMessage(null);
    };
    worker.once('online', fill);
    worker.on('message', (checks: FileCheck[]) => {
      const [start] = inFlight.shift()!;
      checks.forEach((check, offset) => (results[start + offset] = check));
      fill();
    });
    // Its batches are checked by another thread; a check's result does not depend on which.
    worker.once('error', () => queue.push(...inFlight.splice(0)));
    worker.once('exit', () => {
      queue.push(...inFlight.splice(0));
      resolve();
    });
  });
}

/** What a check reads of a config, as plain data a worker can be sent. */
function plainRuleConfig(config: RuleConfig): RuleConfig {
  const { limits, defaults, environment } = config;
  return {
    limits,
    defaults,
    ...(environment === undefined ? {} : { environment: { name: environment.name, names: environment.names } }),
  };
}
