// A state's audit events as rows: appended in a commit's transaction (in their order, chained onto the state's
// head, which the same transaction moves), scanned in pages, and exported by COPY, as stored, in bounded memory.

import { to as copyTo } from 'pg-copy-streams';
import { EMPTY_HEAD, chainLines, plainLines, signHead } from '../../audit/audit-chain.js';
import type { AuditHead } from '../../audit/audit-chain.js';
import type { AuditEvent } from '../../audit/audit-event.js';
import type { ScanOptions, ScanSummary } from '../../audit/scan-audit-log.js';
import type { PgDatabase, Transaction } from './pg-database.js';

/** Events read per query when scanning, so a large log streams in bounded memory. */
const SCAN_PAGE = 5_000;

export interface ChainSettings {
  /** What a head's signature binds: the schema and the state's name. */
  scope: string;
  key: string | undefined;
  /** False only to measure what the chain costs (`npm run bench`): rows as before the chain. */
  enabled: boolean;
}

export class PgEvents {
  constructor(
    private readonly db: PgDatabase,
    /** The quoted schema. */
    private readonly s: string,
    private readonly state: string,
    private readonly chain: ChainSettings,
  ) {}

  /**
   * The events as chained rows after the state's head, and the head moved past them, in `tx`. The head row is
   * locked until `tx` ends, so writers of one state (receivers side by side) chain one after another; `locked`
   * is the head when `tx` has locked its row already (a commit, with the state's row).
   */
  async insert(tx: Transaction, events: readonly AuditEvent[], locked?: AuditHead): Promise<void> {
    if (events.length === 0) return;
    const chained = this.chain.enabled ? chainLines(events, locked ?? (await this.lockedHead(tx))) : undefined;
    // The lines joined as one JSON array: each element keeps its bytes (json, not jsonb), which the chain hashes,
    // and nothing is escaped twice on the way.
    const lines = `[${(chained?.text ?? plainLines(events)).slice(0, -1).replaceAll('\n', ',')}]`;
    const insert = `INSERT INTO ${this.s}.events (state, kind, event)
      SELECT $1, t.e ->> 'event', t.e FROM json_array_elements($2::json) WITH ORDINALITY AS t(e, n) ORDER BY t.n`;
    if (chained === undefined) {
      await tx.query(insert, [this.state, lines]);
      return;
    }
    const signed = signHead(chained.head, this.chain.scope, this.chain.key);
    await tx.query(
      `WITH added AS (${insert}) UPDATE ${this.s}.audit_heads SET seq = $3, hash = $4, signature = $5 WHERE state = $1`,
      [this.state, lines, signed.seq, signed.hash, signed.signature ?? null],
    );
  }

  /** The state's head row, locked until `tx` ends; made (at the empty head) by the state's first events. */
  private async lockedHead(tx: Transaction): Promise<AuditHead> {
    const select = `SELECT seq::text AS seq, hash FROM ${this.s}.audit_heads WHERE state = $1 FOR UPDATE`;
    let { rows } = await tx.query<{ seq: string; hash: string }>(select, [this.state]);
    if (rows[0] === undefined) {
      await tx.query(
        `INSERT INTO ${this.s}.audit_heads (state, seq, hash) VALUES ($1, 0, $2) ON CONFLICT (state) DO NOTHING`,
        [this.state, EMPTY_HEAD.hash],
      );
      ({ rows } = await tx.query<{ seq: string; hash: string }>(select, [this.state]));
    }
    return { seq: Number(rows[0]!.seq), hash: rows[0]!.hash };
  }

  /** The head the backend records for this state's events; undefined when none was ever written. */
  async head(): Promise<AuditHead | undefined> {
    const { rows } = await this.db.query<{ seq: string; hash: string; signature: string | null }>(
      `SELECT seq::text AS seq, hash, signature FROM ${this.s}.audit_heads WHERE state = $1`,
      [this.state],
    );
    const row = rows[0];
    if (row === undefined) return undefined;
    return { seq: Number(row.seq), hash: row.hash, ...(row.signature === null ? {} : { signature: row.signature }) };
  }

  async scan(options: ScanOptions): Promise<ScanSummary> {
    const kinds = options.events === undefined ? null : [...options.events];
    let after = options.from ?? 0;
    let lines = 0;
    for (;;) {
      const { rows } = await this.db.query<{ id: string; event: string }>(
        // Ordered by the bigint column itself (`e.id`): the text alias would sort 10 before 2.
        `SELECT e.id::text AS id, e.event::text AS event FROM ${this.s}.events e
          WHERE e.state = $1 AND e.id > $2 AND ($3::text[] IS NULL OR e.kind = ANY($3::text[]))
          ORDER BY e.id LIMIT ${SCAN_PAGE}`,
        [this.state, after, kinds],
      );
      for (const row of rows) options.onEvent(JSON.parse(row.event) as AuditEvent);
      lines += rows.length;
      if (rows.length > 0) after = Number(rows.at(-1)!.id);
      if (rows.length < SCAN_PAGE) return { lines, badLines: 0, endOffset: after };
    }
  }

  /**
   * The events as stored, by COPY in one read-only transaction: streamed at the pace `write` takes them, in
   * bounded memory, never parsed. Each stored event is one line of JSON, written out as it is (the CSV form
   * with a quote and a delimiter JSON never holds raw, so nothing is escaped). `since` uses the time index.
   */
  async export(since: Date | undefined, write: (lines: Buffer) => Promise<void> | void): Promise<number> {
    let exported = 0;
    // A connection of its own: a COPY's end never answers the client-side query timeout of the pool's.
    const client = this.db.dedicatedClient('cxone-exports export');
    try {
      await client.connect();
      await client.query('BEGIN READ ONLY');
      const where = `state = ${literal(this.state)}${since === undefined ? '' : ` AND event ->> 'timestamp' >= ${literal(since.toISOString())}`}`;
      const stream = client.query(
        copyTo(
          `COPY (SELECT event FROM ${this.s}.events WHERE ${where} ORDER BY id)
             TO STDOUT WITH (FORMAT csv, DELIMITER E'\\x02', QUOTE E'\\x01')`,
        ),
      );
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        exported += countNewlines(chunk);
        // Bytes as they come: a chunk may end inside a character, which the next one completes.
        await write(chunk);
      }
      await client.query('COMMIT');
    } catch (error) {
      throw this.db.describe(error);
    } finally {
      await client.end().catch(() => undefined);
    }
    return exported;
  }
}

/** A text as an SQL literal (COPY takes no parameters). */
function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

function countNewlines(chunk: Buffer): number {
  let n = 0;
  for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) n++;
  return n;
}
