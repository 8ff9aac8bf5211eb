// `init --environments acme-sandbox,acme-production:acme-sandbox,…`: the environments a repository is set up
// for, each optionally promoted from another of the list (`name:source`). Without a list, sandbox and production.

import { UsageError } from '../../../errors.js';

/** The names the config allows for an environment (schemas/config.schema.json, environments' propertyNames). */
const ENVIRONMENT_NAME = /^[a-z][a-z0-9-]{0,31}$/;

export interface EnvironmentList {
  names: string[];
  /** Each promoted environment's source, by environment. */
  promotions: Record<string, string>;
}

export function parseEnvironmentList(text: string): EnvironmentList {
  const names: string[] = [];
  const promotions: Record<string, string> = {};
  for (const item of text.split(',').map((part) => part.trim())) {
    if (item === '') continue;
    const [name = '', source, ...rest] = item.split(':').map((part) => part.trim());
    for (const each of [name, ...(source === undefined ? [] : [source])])
      if (!ENVIRONMENT_NAME.test(each) || rest.length > 0)
        throw new UsageError(`--environments: "${item}" is not an environment name, or a name and its source`, {
          hint: 'Write lower-case names of letters, digits and -, starting with a letter, separated by commas; a promoted environment as name:source, e.g. --environments acme-sandbox,acme-production:acme-sandbox',
        });
    if (names.includes(name))
      throw new UsageError(`--environments names ${name} twice`, { hint: 'Name each environment once.' });
    names.push(name);
    if (source !== undefined) promotions[name] = source;
  }
  if (names.length === 0)
    throw new UsageError('--environments names no environment', {
      hint: 'For example: --environments acme-sandbox,acme-production:acme-sandbox',
    });
  for (const [name, source] of Object.entries(promotions))
    if (!names.includes(source) || source === name)
      throw new UsageError(
        `--environments: ${name} is promoted from ${source}, which is not another environment of the list`,
        {
          hint: `Add ${source} to the list, or drop ":${source}".`,
        },
      );
  return { names, promotions };
}

/** The config's environments section for the list: every tenant's endpoints to fill in, and its promotion. */
export function environmentsConfigPart(list: EnvironmentList): string {
  const first = list.names[0]!;
  const prefix = `CXONE_${first.toUpperCase().replace(/-/g, '_')}_`;
  return [
    `# ${list.names.length} tenants from one repository (docs/guides/many-tenants.md): each has its own endpoints, credentials`,
    `# (${prefix}CLIENT_ID, …) and state. Commands name one or several: cxone-exports --env '${first}' plan,`,
    "# cxone-exports --env all apply. A variable such as CXONE_API_URL never overrides an environment's own URL.",
    'environments:',
    ...list.names.flatMap((name) => [
      `  ${name}:`,
      `    authUrl: https://oauth.us1.cxone.com   # ${name}'s tenant endpoints`,
      '    apiUrl: https://api.us1.cxone.com',
      ...(list.promotions[name] === undefined
        ? []
        : [`    promoteFrom: ${list.promotions[name]}   # a change reaches ${name} only after it completed there`]),
    ]),
    '',
  ].join('\n');
}
