import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { miniRepo } from '../../test/support/fixtures.js';
import { AuditLog, readAuditLog } from './audit-log.js';
import type { AuditEvent } from './audit-event.js';
import { ChainVerifier } from './chain-verifier.js';

const forget = (name: string): AuditEvent => ({
  timestamp: 't',
  event: 'state.forget',
  export: name,
  actor: 'a',
  runId: 'r',
  toolVersion: 'v',
});

describe('AuditLog', () => {
  it('moves a torn last line aside on open, keeping every whole line', async () => {
    const dir = miniRepo({});
    const path = join(dir, 'audit.jsonl');
    writeFileSync(path, '{"event":"a"}\n{"event":"b"}\n{"event":"c","exp');
    const { log, repairedBytes } = await AuditLog.open(path);
    expect(repairedBytes).toBe('{"event":"c","exp'.length);
    expect(readFileSync(`${path}.torn`, 'utf8')).toBe('{"event":"c","exp\n');
    await log.append([
      { timestamp: 't', event: 'state.forget', export: 'x', actor: 'a', runId: 'r', toolVersion: 'v' },
    ]);
    expect((await readAuditLog(path)).map((e) => e.event)).toEqual(['a', 'b', 'state.forget']);
  });

  it('chains onto what another writer appended, and moves aside a line it left torn before chaining on', async () => {
    const dir = miniRepo({});
    const path = join(dir, 'audit.jsonl');
    const { log: mine } = await AuditLog.open(path);
    const { log: theirs } = await AuditLog.open(path);
    await mine.append([forget('a'), forget('b')]);
    expect(await theirs.append([forget('c')])).toMatchObject({ seq: 3 });
    // The other writer killed mid-append: a fragment without its newline.
    appendFileSync(path, '{"seq":4,"prev":"00');
    const head = await mine.append([forget('d')]);
    expect(head.seq).toBe(4);
    expect(readFileSync(`${path}.torn`, 'utf8')).toBe('{"seq":4,"prev":"00\n');
    const verifier = new ChainVerifier({
      head,
      headCoversAll: true,
      scope: '',
      key: undefined,
      place: (line) => `line ${line}`,
    });
    verifier.push(readFileSync(path));
    expect(verifier.end()).toMatchObject({ lines: 4, problem: undefined });
  });

  it('leaves a whole file alone', async () => {
    const dir = miniRepo({ 'audit.jsonl': '{"event":"a"}\n' });
    expect((await AuditLog.open(join(dir, 'audit.jsonl'))).repairedBytes).toBe(0);
    expect(existsSync(join(dir, 'audit.jsonl.torn'))).toBe(false);
  });
});
