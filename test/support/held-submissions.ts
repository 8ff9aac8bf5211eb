// Submissions held at the simulator until the test lets them go: a run that holds the state lock for exactly as
// long as a test needs, whatever the machine's speed.

import type { SubmissionEvent } from '../../src/simulator/simulator-options.js';

export interface HeldSubmissions {
  /** For the simulator's options. */
  onSubmission: (event: SubmissionEvent) => Promise<undefined>;
  /** Resolves when the first submission has reached the simulator. */
  firstArrived: Promise<void>;
  /** Lets every held submission (and every later one) through. */
  release(): void;
}

export function holdSubmissions(): HeldSubmissions {
  let arrived: () => void = () => undefined;
  const firstArrived = new Promise<void>((resolve) => (arrived = resolve));
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));
  return {
    onSubmission: async ({ phase }) => {
      if (phase === 'received') {
        arrived();
        await released;
      }
      return undefined;
    },
    firstArrived,
    release: () => release(),
  };
}
