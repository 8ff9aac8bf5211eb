// `npm run bench`: every benchmark of the project against the built CLI, medians and ratios against baselines
// measured in the same run. Exits 1 when a figure misses its target. BENCH_RUNS sets the runs per figure.

import { fileURLToPath } from 'node:url';
import { benchValidate } from './validate.bench.mjs';

const cli = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const runs = Number(process.env.BENCH_RUNS ?? 5);

const results = [await benchValidate({ cli, runs })];
if (results.includes(false)) {
  console.log('Some figures missed their targets.');
  process.exitCode = 1;
}
