// What `cxone-exports sim` prints: on stdout only NAME=value lines, so they can be pasted into a shell or
// sourced; on stderr, as shell comments, that it listens and that it stopped.

import type { CommandContext } from '../../command-context.js';

export interface SimulatorVariables {
  url: string;
  /** The variable name each credential is read from, and its demo value. */
  credentials: readonly (readonly [name: string, value: string])[];
}

export interface SimView {
  listening(variables: SimulatorVariables, callbacksSigned: boolean): void;
  stopped(signal: string, requests: number, executions: number): void;
}

export function simView(ctx: Pick<CommandContext, 'logger'>): SimView {
  return {
    listening: ({ url, credentials }, callbacksSigned) => {
      ctx.logger.out(
        [
          `CXONE_AUTH_URL=${url}`,
          `CXONE_API_URL=${url}`,
          ...credentials.map(([name, value]) => `${name}=${value}`),
        ].join('\n'),
      );
      ctx.logger.warn(
        `# CXone simulator listening on ${url} (demo credentials above; callbacks ${callbacksSigned ? 'signed with CXONE_CALLBACK_SECRET' : 'unsigned'}). Ctrl-C to stop.`,
      );
    },
    stopped: (signal, requests, executions) =>
      ctx.logger.warn(`# simulator stopped (${signal}): ${requests} requests, ${executions} executions`),
  };
}
