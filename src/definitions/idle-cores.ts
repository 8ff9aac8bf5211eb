// How many threads a check of many files should use: one per core that is idle now. On a machine whose cores are
// busy with other work (a CI runner building beside it, a busy loop), extra threads only take turns on the same
// cores and add their start-up; then checking on this thread alone is faster. Linux says how many threads are
// runnable this instant (the fourth field of /proc/loadavg); this process's own (the main thread, V8's compiler
// and collector threads) are counted in /proc/self/task and set aside. Elsewhere every core counts.

import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** Cores, minus the runnable threads of other processes, at least one. */
export function idleCores(cores: number, loadavg: string | undefined, ownRunnable: number): number {
  const runnable = Number(/^\S+ \S+ \S+ (\d+)\//.exec(loadavg ?? '')?.[1] ?? Number.NaN);
  if (!Number.isInteger(runnable)) return cores;
  return Math.max(1, Math.min(cores, cores - Math.max(0, runnable - ownRunnable)));
}

export function idleCoresNow(): number {
  try {
    const loadavg = readFileSync('/proc/loadavg', 'utf8');
    let own = 0;
    for (const task of readdirSync('/proc/self/task')) {
      // The state follows the command name in parentheses: "pid (name) R …".
      const stat = readFileSync(`/proc/self/task/${task}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'R') own++;
    }
    return idleCores(availableParallelism(), loadavg, Math.max(own, 1));
  } catch {
    return availableParallelism();
  }
}
