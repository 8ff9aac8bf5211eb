import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withSystemdCredentials } from './systemd-credentials.js';

function credentials(files: Record<string, string>): string {
  const directory = mkdtempSync(join(tmpdir(), 'cxone-exports-credentials-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(directory, name), text);
  return directory;
}

describe('systemd credentials', () => {
  it('stands a credential file in for an unset variable, without the trailing newline', () => {
    const directory = credentials({ CXONE_CLIENT_SECRET: 's3cret\n', CXONE_CLIENT_ID: 'from-file' });
    const env = withSystemdCredentials({ CREDENTIALS_DIRECTORY: directory, CXONE_CLIENT_ID: 'from-env' });
    expect(env.CXONE_CLIENT_SECRET).toBe('s3cret');
    // A variable set in the environment wins.
    expect(env.CXONE_CLIENT_ID).toBe('from-env');
  });

  it('ignores files not named like a variable, and a folder that is not there', () => {
    const directory = credentials({ 'client-secret': 'x', lower_case: 'y' });
    expect(withSystemdCredentials({ CREDENTIALS_DIRECTORY: directory })).toEqual({ CREDENTIALS_DIRECTORY: directory });
    const missing = { CREDENTIALS_DIRECTORY: join(directory, 'gone') };
    expect(withSystemdCredentials(missing)).toBe(missing);
    const none = { PATH: '/bin' };
    expect(withSystemdCredentials(none)).toBe(none);
  });

  it('names the credential it cannot read, and how to fix the unit', () => {
    const directory = credentials({});
    mkdirSync(join(directory, 'CXONE_CLIENT_SECRET'));
    expect(() => withSystemdCredentials({ CREDENTIALS_DIRECTORY: directory })).toThrow(
      /the systemd credential CXONE_CLIENT_SECRET in .* cannot be read \(EISDIR\)/,
    );
  });
});
