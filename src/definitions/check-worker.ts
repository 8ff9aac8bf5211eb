// A worker thread of a parallel check (parallel-check.ts): it checks each batch of files it is sent, in the
// rule configs it was started with, and sends back what it found, in order. Nothing here does I/O of its own.

import { parentPort, workerData } from 'node:worker_threads';
import { checkDefinitionFile } from './check-definitions.js';
import type { DefinitionFile } from './check-definitions.js';
import type { RuleConfig } from './contract-rules.js';

/** One file to check, in one of the configs. */
export interface CheckTask {
  file: DefinitionFile;
  config: number;
}

const { configs } = workerData as { configs: RuleConfig[] };
const port = parentPort!;

port.on('message', (batch: CheckTask[] | null) => {
  if (batch === null) port.close();
  else port.postMessage(batch.map((task) => checkDefinitionFile(task.file, configs[task.config]!)));
});
