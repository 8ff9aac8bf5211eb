// Time, in one place: what now is and how to wait. Code that waits takes a Clock, so tests can drive their own.

export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

// The wall clock once, then the monotonic high-resolution clock: sub-millisecond, so spacing is measured as
// precisely as the server will measure it. Not `performance`, whose first use loads Node's perf_hooks.
const startedAt = Date.now();
const startedAtHrtime = process.hrtime.bigint();

export const systemClock: Clock = {
  now: () => startedAt + Number(process.hrtime.bigint() - startedAtHrtime) / 1e6,
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted === true) return reject(signal.reason as Error);
      const timer = setTimeout(
        () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        Math.max(0, ms),
      );
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal!.reason as Error);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};
