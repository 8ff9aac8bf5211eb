// The state store a project uses, chosen by the config's `backend.type` (the schema refuses unknown types, with
// their position in the config file). Each backend's module loads only when a command opens it, and a database
// backend connects on its first query.

import { relative } from 'node:path';
import type { ProjectConfig } from '../config/project-config.js';
import type { LocalFileStore } from './local-file-store.js';
import type { StateStore } from './state-store.js';

type Env = Readonly<Record<string, string | undefined>>;

export async function openStateStore(
  config: Pick<ProjectConfig, 'stateDir' | 'backend'>,
  cwd: string,
  env: Env,
): Promise<StateStore> {
  const backend = config.backend;
  switch (backend.type) {
    case 'local':
      return openLocalStore(config, cwd);
    case 'pg': {
      // Loaded only for projects that use it: the local default starts without the database driver.
      const [{ PgStore }, { pgConnectionFromEnvironment }] = await Promise.all([
        import('./pg/pg-store.js'),
        import('./pg/pg-connection.js'),
      ]);
      return new PgStore({
        connection: pgConnectionFromEnvironment(env),
        schema: backend.schema,
        stateName: backend.stateName,
        skipSchemaCreation: backend.skipSchemaCreation,
      });
    }
  }
}

/** The local files under `stateDir`, whatever backend the config names (`state migrate --from local` reads them). */
export async function openLocalStore(config: Pick<ProjectConfig, 'stateDir'>, cwd: string): Promise<LocalFileStore> {
  const { LocalFileStore } = await import('./local-file-store.js');
  const displayDir = relative(cwd, config.stateDir).split('\\').join('/') || '.';
  return new LocalFileStore({ stateDir: config.stateDir, displayDir });
}
