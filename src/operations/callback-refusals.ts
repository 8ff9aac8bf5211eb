// What apply refuses to send before anything is locked or submitted: callback URLs CXone cannot reach (this
// machine, while the API is remote), unless the run says it can (a tunnel), and plain-http callback URLs that
// lead off this machine, where the callback and its token would cross a network in clear.

import { plainHttpCallbacksOffMachine } from '../contract/callback-target.js';
import { loopbackCallbacks } from '../definitions/callback-reachability.js';
import type { CallbackReach } from '../definitions/callback-reachability.js';
import type { DefinitionSummary } from '../definitions/check-definitions.js';
import { UsageError } from '../errors.js';

export interface CallbackChoices {
  /** Where CXone calls back from, for the loopback check and its message. */
  callbackReach: CallbackReach;
  /** --allow-loopback-callbacks: CXone reaches this machine after all. */
  allowLoopbackCallbacks: boolean;
}

export async function refuseUnsafeCallbacks(
  definitions: readonly DefinitionSummary[],
  choices: CallbackChoices,
): Promise<void> {
  const loopback = loopbackCallbacks(definitions, choices.callbackReach);
  if (loopback !== undefined && !choices.allowLoopbackCallbacks) {
    throw new UsageError(loopback.problem, {
      hint: `${loopback.advice} Or pass --allow-loopback-callbacks if CXone can reach this machine after all (a tunnel).`,
    });
  }
  const offMachine = await plainHttpCallbacksOffMachine(definitions);
  if (offMachine.size > 0) {
    const lines = [...offMachine].map(([url, { names, problem }]) => `  ${url} (${names.join(', ')}): ${problem}`);
    throw new UsageError(
      `plain-http callback URLs must lead only to this machine, and these do not:\n${lines.join('\n')}`,
      { hint: 'Use https for a callback URL on another machine, or a loopback address such as 127.0.0.1.' },
    );
  }
}
