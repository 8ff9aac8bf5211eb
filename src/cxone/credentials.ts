// Credentials come from the environment only, never from files in the repository (CONTRACT.md §1).

import type { AuthFlow } from '../config/project-config.js';
import { UsageError } from '../errors.js';
import { registerSecret } from '../redaction.js';

export interface Credentials {
  clientId: string;
  clientSecret: string;
  /** access_key flow only. */
  accessKeyId?: string;
  accessKeySecret?: string;
}

const REQUIRED: Record<AuthFlow, string[]> = {
  client_credentials: ['CXONE_CLIENT_ID', 'CXONE_CLIENT_SECRET'],
  access_key: ['CXONE_CLIENT_ID', 'CXONE_CLIENT_SECRET', 'CXONE_ACCESS_KEY_ID', 'CXONE_ACCESS_KEY_SECRET'],
};

export function credentialsFromEnvironment(
  flow: AuthFlow,
  env: Readonly<Record<string, string | undefined>>,
): Credentials {
  const missing = REQUIRED[flow].filter((name) => (env[name] ?? '').trim() === '');
  if (missing.length > 0) {
    throw new UsageError(`missing credentials: set ${missing.join(', ')} in the environment (auth.flow is ${flow})`, {
      hint: 'Credentials are read from the environment only. Locally, `cxone-exports sim` prints demo values; in GitHub Actions, map repository secrets to these variables.',
    });
  }
  const credentials: Credentials = { clientId: env.CXONE_CLIENT_ID!, clientSecret: env.CXONE_CLIENT_SECRET! };
  if (flow === 'access_key') {
    credentials.accessKeyId = env.CXONE_ACCESS_KEY_ID!;
    credentials.accessKeySecret = env.CXONE_ACCESS_KEY_SECRET!;
  }
  registerSecret(credentials.clientSecret);
  registerSecret(credentials.accessKeySecret);
  return credentials;
}
