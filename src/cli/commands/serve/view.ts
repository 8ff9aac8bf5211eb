// The view of `serve`: the access log on stdout, everything about the receiver itself on stderr.

import { relative } from 'node:path';
import { damagedLinesWarning } from '../../../audit/audit-log.js';
import type { CallbackAuthSettings } from '../../../callbacks/callback-auth.js';
import type { ReceiveView } from '../../../operations/receive-callbacks.js';
import type { CommandContext } from '../../command-context.js';
import { renderError } from '../../render-error.js';
import { formatDelay } from '../../format-delay.js';
import { stateAccessView } from '../../views/state-access-view.js';

export function receiveView(
  ctx: Pick<CommandContext, 'logger' | 'cwd' | 'io'>,
  tenants: readonly { environment: string | undefined; auth: CallbackAuthSettings }[],
): ReceiveView {
  const { logger } = ctx;
  const access = stateAccessView(logger);
  const accessLog = linesPerTurn((text) => logger.out(text));
  const authText =
    tenants.length === 1
      ? authOf(tenants[0]!.auth)
      : `each environment its own: ${tenants.map((t) => `${t.environment ?? 'default'} ${authOf(t.auth)}`).join(', ')}`;
  return {
    auditLogRepaired: (bytes) => access.auditLogRepaired(bytes),
    damagedEvents: (location, lines) => logger.warn(damagedLinesWarning(displayPath(ctx.cwd, location), lines)),
    listening: (url) =>
      logger.warn(
        `cxone-exports serve: listening on ${url} (authentication: ${authText}); /healthz too. Ctrl-C or SIGTERM stops it gracefully.`,
      ),
    metricsAt: (where) =>
      logger.warn(
        'url' in where
          ? `/metrics on its own listener: ${where.url}`
          : 'reason' in where
            ? `Note: ${where.reason}`
            : `/metrics on the same listener${where.token ? ', behind CXONE_METRICS_TOKEN' : ''}.`,
      ),
    request: (line) => accessLog.add(line),
    recordFailed: (error) =>
      logger.warn(
        JSON.stringify({
          time: new Date(ctx.io.clock.now()).toISOString(),
          level: 'error',
          message: 'callbacks could not be recorded; answering 503 so CXone retries',
          error: renderError(error, { colorFlag: false }).trim(),
        }),
      ),
    stopping: (signal, graceMs) =>
      logger.warn(
        `${signal} received: no new connections; finishing the events in flight (up to ${formatDelay(graceMs)}).`,
      ),
    shutdownDeadline: () =>
      logger.warn(
        `Shutdown deadline reached: closing the connections still open; their requests were not acknowledged.`,
      ),
    stopped: (writes, folded) => {
      accessLog.flush();
      logger.warn(
        `Stopped. ${writes} state writes this run${folded ? '; the state log is folded into state.json' : ''}.`,
      );
    },
  };
}

/**
 * Lines written together once per turn of the event loop: the callbacks of a batch are answered in the same turn,
 * and their access-log lines go out in one write rather than a system call each.
 */
function linesPerTurn(write: (text: string) => void): { add: (line: string) => void; flush: () => void } {
  let pending: string[] = [];
  const flush = () => {
    if (pending.length === 0) return;
    const text = pending.join('\n');
    pending = [];
    write(text);
  };
  return {
    add: (line) => {
      if (pending.push(line) === 1) setImmediate(flush);
    },
    flush,
  };
}

/** An absolute location is shown relative to the working directory, as the other messages show paths. */
function displayPath(cwd: string, location: string): string {
  return location.startsWith('/') ? relative(cwd, location) : location;
}

/** How callbacks are authenticated, without a secret in it. */
function authOf({ secrets, token }: CallbackAuthSettings): string {
  return secrets.length > 0
    ? `HMAC with ${secrets.length} secret${secrets.length === 1 ? '' : 's'}${token === undefined ? '' : ' or ?token='}`
    : token !== undefined
      ? '?token='
      : 'none (loopback only)';
}
