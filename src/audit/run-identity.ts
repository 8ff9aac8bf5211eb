// Who is running, and as part of which run: GitHub's values in Actions, the OS user and a fresh id elsewhere.

import { userInfo } from 'node:os';
import { toolVersion } from '../version.js';
import type { RunIdentity } from './audit-event.js';
import { childProcess, crypto } from '../on-first-use.js';

/** The run's identity, acting in `environment` (every audit line it writes names it). */
export function runIdentity(
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
  environment: string | undefined,
): RunIdentity {
  return {
    environment,
    actor: nonEmpty(env.GITHUB_ACTOR) ?? osUser(),
    runId: nonEmpty(env.GITHUB_RUN_ID) ?? crypto().randomUUID(),
    gitSha: nonEmpty(env.GITHUB_SHA) ?? gitHead(cwd),
    toolVersion: toolVersion(),
  };
}

function gitHead(cwd: string): string | undefined {
  const result = childProcess().spawnSync('git', ['rev-parse', 'HEAD'], {
    cwd,
    encoding: 'utf8',
    timeout: 2_000,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const sha = result.status === 0 ? result.stdout.trim() : '';
  return /^[0-9a-f]{40}$/.test(sha) ? sha : undefined;
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
