// Callback URLs CXone cannot reach: this machine, while the API is remote. validate and plan warn; the apply
// operation refuses them unless told otherwise (a tunnel).

import type { ProjectConfig } from '../config/project-config.js';
import { unreachableCallbackUrls } from '../contract/callback-url.js';
import type { DefinitionSummary } from './check-definitions.js';

/** Where the callbacks would come from: the API's URL, and the environment messages name (when there are some). */
export interface CallbackReach {
  apiUrl: string;
  environment?: string;
}

/** The reach of `config`'s environment, as the messages name it. */
export function callbackReachOf(config: ProjectConfig): CallbackReach {
  const { name, names } = config.environment;
  return { apiUrl: config.apiUrl, ...(names.length > 0 && name !== undefined ? { environment: name } : {}) };
}

export interface LoopbackCallbacks {
  /** What is wrong, with each URL and the exports that use it. */
  problem: string;
  advice: string;
}

/** Callback URLs CXone cannot reach (this machine, while apiUrl is remote), or undefined when there are none. */
export function loopbackCallbacks(
  definitions: readonly DefinitionSummary[],
  where: CallbackReach,
): LoopbackCallbacks | undefined {
  const unreachable = unreachableCallbackUrls(definitions, where.apiUrl);
  if (unreachable.size === 0) return undefined;
  const lines = [...unreachable].map(
    ([url, names]) =>
      `  ${url}: ${names.length <= 3 ? names.join(', ') : `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`}`,
  );
  const prefix = where.environment === undefined ? '' : `in ${where.environment}, `;
  return {
    problem: [
      `${prefix}these callback URLs point at this machine, but apiUrl is ${where.apiUrl}, so CXone cannot reach them:`,
      ...lines,
    ].join('\n'),
    advice:
      "Set defaults.callbackUrl (or the definitions' callbackUrl) to the public https URL of your `cxone-exports serve`, or leave it out and poll instead (apply --wait, refresh).",
  };
}

/** The warning validate and plan print. */
export function loopbackCallbackWarning(found: LoopbackCallbacks): string {
  return `Warning: ${found.problem}\n${found.advice} apply refuses them unless given --allow-loopback-callbacks.`;
}
