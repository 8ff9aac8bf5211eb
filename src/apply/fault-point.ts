// Crash points for the reliability tests: CXONE_EXPORTS_CRASH_AT=<point>[:<export>] makes the process kill
// itself with SIGKILL at that step, exactly as a power cut or `kill -9` would. Unset in normal use.

export type FaultPointName = 'before-intent' | 'after-intent' | 'after-post' | 'after-result';

export type FaultPoint = (point: FaultPointName, exportName: string) => void;

export function faultPointFromEnvironment(env: Readonly<Record<string, string | undefined>>): FaultPoint {
  const spec = env.CXONE_EXPORTS_CRASH_AT;
  if (spec === undefined || spec === '') return () => undefined;
  const [point, name] = spec.split(':');
  return (at, exportName) => {
    if (at === point && (name === undefined || name === exportName)) process.kill(process.pid, 'SIGKILL');
  };
}
