// The loopback-callback check at the CLI's edge: validate and plan warn, apply refuses unless told otherwise.

import type { ProjectConfig } from '../config/project-config.js';
import { unreachableCallbackUrls } from '../contract/callback-url.js';
import type { DefinitionSummary } from '../definitions/check-definitions.js';

export interface LoopbackCallbacks {
  /** What is wrong, with each URL and the exports that use it. */
  problem: string;
  advice: string;
}

/** Callback URLs CXone cannot reach (this machine, while apiUrl is remote), or undefined when there are none. */
export function loopbackCallbacks(
  definitions: readonly DefinitionSummary[],
  config: ProjectConfig,
): LoopbackCallbacks | undefined {
  const unreachable = unreachableCallbackUrls(definitions, config.apiUrl);
  if (unreachable.size === 0) return undefined;
  const lines = [...unreachable].map(
    ([url, names]) =>
      `  ${url}: ${names.length <= 3 ? names.join(', ') : `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`}`,
  );
  const { name, names } = config.environment;
  const where = names.length > 0 && name !== undefined ? `in ${name}, ` : '';
  return {
    problem: [
      `${where}these callback URLs point at this machine, but apiUrl is ${config.apiUrl}, so CXone cannot reach them:`,
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
