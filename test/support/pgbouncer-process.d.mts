export type PoolMode = 'transaction' | 'session';

export interface PgBouncer {
  port: number;
  /** The URL of `database` through the pooler. */
  url(database: string): string;
  stop(): void;
}

export function startPgBouncer(
  mode: PoolMode,
  server: { host: string; port: number },
  user?: string,
): Promise<PgBouncer>;
