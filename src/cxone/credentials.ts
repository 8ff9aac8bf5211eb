// Credentials come from the environment only, never from files in the repository (docs/design/cxone-contract.md §1).

import type { AuthFlow, CredentialVariables } from '../config/project-config.js';
import { UsageError } from '../errors.js';
import { registerSecret } from '../redaction.js';

export interface Credentials {
  clientId: string;
  clientSecret: string;
  /** access_key flow only. */
  accessKeyId?: string;
  accessKeySecret?: string;
}

/** Today's names, for a config without environments. */
export const DEFAULT_CREDENTIAL_VARIABLES: CredentialVariables = {
  clientId: 'CXONE_CLIENT_ID',
  clientSecret: 'CXONE_CLIENT_SECRET',
  accessKeyId: 'CXONE_ACCESS_KEY_ID',
  accessKeySecret: 'CXONE_ACCESS_KEY_SECRET',
};

export function credentialsFromEnvironment(
  flow: AuthFlow,
  env: Readonly<Record<string, string | undefined>>,
  variables: CredentialVariables = DEFAULT_CREDENTIAL_VARIABLES,
): Credentials {
  const required =
    flow === 'access_key'
      ? [variables.clientId, variables.clientSecret, variables.accessKeyId, variables.accessKeySecret]
      : [variables.clientId, variables.clientSecret];
  const missing = required.filter((name) => (env[name] ?? '').trim() === '');
  if (missing.length > 0) {
    throw new UsageError(`missing credentials: set ${missing.join(', ')} in the environment (auth.flow is ${flow})`, {
      hint: 'Credentials are read from the environment only. Locally, `cxone-exports sim` prints demo values; in GitHub Actions, map repository secrets to these variables.',
    });
  }
  const credentials: Credentials = { clientId: env[variables.clientId]!, clientSecret: env[variables.clientSecret]! };
  if (flow === 'access_key') {
    credentials.accessKeyId = env[variables.accessKeyId]!;
    credentials.accessKeySecret = env[variables.accessKeySecret]!;
  }
  registerSecret(credentials.clientSecret);
  registerSecret(credentials.accessKeySecret);
  return credentials;
}
