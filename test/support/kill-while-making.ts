// A run killed at one exact point: SIGKILL while CXone (the simulator) makes the execution of one data action,
// before its answer can reach the run, as a cancelled CI job or a preempted VM would be.

import type { ChildProcess } from 'node:child_process';
import type { SubmissionEvent } from '../../src/simulator/simulator-options.js';

export function killWhileMaking(dataActionId: string): {
  /** Give it the run to kill (runCliAsync's or runOnHost's onSpawn). */
  onSpawn: (child: ChildProcess) => void;
  /** The simulator's hook: kills the run once, and waits for it to be gone. */
  onSubmission: (event: SubmissionEvent) => Promise<undefined>;
} {
  let victim: ChildProcess | undefined;
  return {
    onSpawn: (child) => (victim = child),
    onSubmission: async ({ phase, dataActionId: making }) => {
      if (victim === undefined || phase !== 'created' || making !== dataActionId) return undefined;
      const killed = new Promise((resolve) => victim!.once('exit', resolve));
      victim.kill('SIGKILL');
      await killed;
      victim = undefined;
      return undefined;
    },
  };
}
