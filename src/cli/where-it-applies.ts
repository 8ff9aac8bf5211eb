// Where a command is about to act, said wherever something is about to happen when the config defines
// environments: the environment, the API it calls (and whether a variable rather than the config chose it), and
// the state it reads and writes.

import type { ProjectConfig } from '../config/project-config.js';

/** One line, or undefined when the config defines no environments (today's output stays as it was). */
export function whereItApplies(config: ProjectConfig, stateLocation: string): string | undefined {
  const { name, names, urlSources } = config.environment;
  if (names.length === 0 || name === undefined) return undefined;
  const fromVariable = (source: string) =>
    source === 'config' || source === 'default' ? '' : ` (from ${source} in the environment, not the config)`;
  // The token endpoint is named only when a variable chose it: otherwise it is the config's, like the API's.
  const auth =
    fromVariable(urlSources.authUrl) === '' ? '' : `; auth ${config.authUrl}${fromVariable(urlSources.authUrl)}`;
  // A variable the environment's own URL overrides is named, so a leftover in a shell is seen, not guessed at.
  const ignored = config.environment.ignoredVariables;
  const overridden =
    ignored.length === 0
      ? ''
      : ` (${ignored.join(' and ')} ${ignored.length === 1 ? 'is' : 'are'} set but not used: ${name} names its own)`;
  return `Environment ${name}: API ${config.apiUrl}${fromVariable(urlSources.apiUrl)}${auth}${overridden}; state ${stateLocation}`;
}
