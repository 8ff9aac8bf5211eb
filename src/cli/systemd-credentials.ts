// Secrets a systemd unit passes as credentials (LoadCredential=NAME:path): each file in $CREDENTIALS_DIRECTORY
// named like an environment variable stands for that variable when it is not set. The files are read once, here
// at the command layer, so everything below sees one environment however the secret arrived.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../errors.js';

const VARIABLE_NAME = /^[A-Z_][A-Z0-9_]*$/;

export function withSystemdCredentials(
  env: Readonly<Record<string, string | undefined>>,
): Readonly<Record<string, string | undefined>> {
  const directory = env.CREDENTIALS_DIRECTORY;
  if (directory === undefined || directory === '') return env;
  let names: string[];
  try {
    names = readdirSync(directory);
  } catch {
    // systemd made the folder for this process; if it is gone there is nothing to add.
    return env;
  }
  const added: Record<string, string> = {};
  for (const name of names) {
    if (!VARIABLE_NAME.test(name) || (env[name] ?? '') !== '') continue;
    // A secret file usually ends with the newline an editor or `echo` adds; it is not part of the secret.
    added[name] = readCredential(directory, name).replace(/\r?\n$/, '');
  }
  return Object.keys(added).length === 0 ? env : { ...env, ...added };
}

function readCredential(directory: string, name: string): string {
  try {
    return readFileSync(join(directory, name), 'utf8');
  } catch (error) {
    throw new UsageError(
      `the systemd credential ${name} in ${directory} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      { hint: `Check the unit's LoadCredential=${name}:… line and that the file it names is a readable file.` },
    );
  }
}
