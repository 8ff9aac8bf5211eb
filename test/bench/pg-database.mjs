// A database of the bench's own on the machine's PostgreSQL (127.0.0.1:5432, trust), dropped when done.

import { randomBytes } from 'node:crypto';
import pg from 'pg';

const ADMIN = { host: '127.0.0.1', port: 5432, user: process.env.PGUSER ?? 'postgres', database: 'postgres' };

async function admin(sql) {
  const client = new pg.Client(ADMIN);
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Runs `work(url)` with a fresh database, dropped afterwards whatever happens. */
export async function withBenchDatabase(work) {
  const name = `cxone_bench_${randomBytes(5).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  try {
    return await work(`postgres://${ADMIN.user}@${ADMIN.host}:${ADMIN.port}/${name}`);
  } finally {
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}
