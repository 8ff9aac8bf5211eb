import { pgConnectionFromEnvironment } from './pg/pg-connection.js';
// The state store a project uses, chosen by the config's `backend.type` (the schema refuses unknown types, with
// their position in the config file). Each backend's module loads only when a command opens it, and a database
// backend connects on its first query. Every store is opened for the config's environment: it refuses a state
// that belongs to another, and records its owner at the first write.

import { relative } from 'node:path';
import type { ProjectConfig } from '../config/project-config.js';
import { auditKeyFor } from '../audit/audit-key.js';
import { LocalFileStore } from './local/local-file-store.js';
import type { ExpectedOwner } from './state-owner.js';
import type { OwnerOptions, StateStore } from './state-store.js';

type Env = Readonly<Record<string, string | undefined>>;

type StoreConfig = Pick<ProjectConfig, 'stateDir' | 'backend' | 'environment'>;

export async function openStateStore(
  config: StoreConfig,
  cwd: string,
  env: Env,
  hooks: Pick<OwnerOptions, 'onAdopted'> = {},
): Promise<StateStore> {
  const backend = config.backend;
  const owner = { owner: expectedOwner(config), ...hooks };
  const auditKey = auditKeyFor(env, config.environment.name);
  // Only the benchmark turns the chain off, to measure its cost; `audit verify` reports such lines as breaks.
  const chainAudit = env.CXONE_EXPORTS_BENCH_UNCHAINED !== '1';
  switch (backend.type) {
    case 'local':
      return openLocalStore(config, cwd, { ...owner, auditKey, chainAudit });
    case 'pg': {
      // Loaded only for projects that use it: the local default starts without the database driver.
      const { PgStore } = await import('./pg/pg-store.js');
      return new PgStore({
        connection: pgConnectionFromEnvironment(env),
        schema: backend.schema,
        stateName: backend.stateName,
        skipSchemaCreation: backend.skipSchemaCreation,
        statementTimeoutMs: backend.statementTimeoutMs,
        lockLeaseMs: backend.lockLeaseMs,
        auditKey,
        chainAudit,
        ...owner,
      });
    }
  }
}

/**
 * The local files under `stateDir`, whatever backend the config names (`state migrate --from local` reads them),
 * checked against `owner` when given.
 */
export function openLocalStore(
  config: Pick<ProjectConfig, 'stateDir'>,
  cwd: string,
  options: OwnerOptions & { auditKey?: string | undefined; chainAudit?: boolean } = {},
): LocalFileStore {
  const displayDir = relative(cwd, config.stateDir).split('\\').join('/') || '.';
  return new LocalFileStore({ stateDir: config.stateDir, displayDir, ...options });
}

/** Whose state the config's environment works on: its name and tenant, or none for a config without environments. */
export function expectedOwner(config: Pick<ProjectConfig, 'environment'>): ExpectedOwner | undefined {
  const { name, names, tenantId } = config.environment;
  if (names.length === 0) return 'no-environments';
  if (name === undefined) return undefined;
  return { environment: name, ...(tenantId === undefined ? {} : { tenantId }) };
}

/**
 * Which state the config's backend opens, in words that stay the same on every machine (no absolute paths, no
 * user or password): what a saved plan is bound to.
 */
export function describeBackend(config: Pick<ProjectConfig, 'rootDir' | 'stateDir' | 'backend'>, env: Env): string {
  const backend = config.backend;
  if (backend.type === 'local')
    return `local ${relative(config.rootDir, config.stateDir).split('\\').join('/') || '.'}`;
  return `pg ${pgConnectionFromEnvironment(env).where} ${backend.schema}.${backend.stateName}`;
}
