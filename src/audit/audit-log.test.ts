import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { miniRepo } from '../../test/support/fixtures.js';
import { AuditLog, readAuditLog } from './audit-log.js';

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

  it('leaves a whole file alone', async () => {
    const dir = miniRepo({ 'audit.jsonl': '{"event":"a"}\n' });
    expect((await AuditLog.open(join(dir, 'audit.jsonl'))).repairedBytes).toBe(0);
    expect(existsSync(join(dir, 'audit.jsonl.torn'))).toBe(false);
  });
});
