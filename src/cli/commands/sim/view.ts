// What `cxone-exports sim` prints: on stdout only NAME=value lines, so they can be pasted into a shell or
// sourced; on stderr, as shell comments, that it listens and that it stopped.

import type { CommandContext } from '../../command-context.js';

export interface SimulatorVariables {
  url: string;
  /** The variable name each credential is read from, and its demo value. */
  credentials: readonly (readonly [name: string, value: string])[];
}

export interface SimView {
  /** `controlToken` when it listens beyond loopback: what peers elsewhere need for its control routes. */
  listening(variables: SimulatorVariables, callbacksSigned: boolean, controlToken?: string): void;
  stopped(signal: string, requests: number, executions: number): void;
}

export function simView(ctx: Pick<CommandContext, 'logger'>): SimView {
  return {
    listening: ({ url, credentials }, callbacksSigned, controlToken) => {
      ctx.logger.out(
        [
          `CXONE_AUTH_URL=${url}`,
          `CXONE_API_URL=${url}`,
          ...credentials.map(([name, value]) => `${name}=${value}`),
          ...(controlToken === undefined ? [] : [`SIM_CONTROL_TOKEN=${controlToken}`]),
        ].join('\n'),
      );
      ctx.logger.warn(
        `# CXone simulator listening on ${url} (${controlToken === undefined ? 'demo' : 'its own'} credentials above; callbacks ${callbacksSigned ? 'signed with CXONE_CALLBACK_SECRET' : 'unsigned'}). Ctrl-C to stop.`,
      );
      if (controlToken !== undefined)
        ctx.logger.warn(
          [
            `# Warning: listening beyond loopback, so anyone who can reach ${url} can use it. It made credentials of its own`,
            '# (above), and its control routes (/_sim/...) answer peers beyond loopback only with the bearer token',
            '# SIM_CONTROL_TOKEN above.',
            '# It still posts callbacks only to loopback addresses. Bind it to 127.0.0.1 unless another machine must reach it.',
          ].join('\n'),
        );
    },
    stopped: (signal, requests, executions) =>
      ctx.logger.warn(`# simulator stopped (${signal}): ${requests} requests, ${executions} executions`),
  };
}
