// The key that signs the audit chain's head: CXONE_<ENVIRONMENT>_AUDIT_KEY when set (each client tenant its own),
// else CXONE_AUDIT_KEY. Registered for redaction as it is read, like every secret.

import { registerSecret } from '../redaction.js';

type Variables = Readonly<Record<string, string | undefined>>;

export function auditKeyFor(env: Variables, environment: string | undefined): string | undefined {
  const own =
    environment === undefined ? undefined : env[`CXONE_${environment.toUpperCase().replace(/-/g, '_')}_AUDIT_KEY`];
  const key = own !== undefined && own !== '' ? own : env.CXONE_AUDIT_KEY;
  if (key === undefined || key === '') return undefined;
  registerSecret(key);
  return key;
}
