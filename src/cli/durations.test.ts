import { describe, expect, it } from 'vitest';
import { schemaCheck } from '../diagnostics/schema-validator.js';
import { parseInstant } from './durations.js';

describe('parseInstant', () => {
  it('refuses a date or time that does not exist, rather than rolling it over (issue 23, point 11)', () => {
    expect(() => parseInstant('2026-02-30T06:00:00Z', '--at')).toThrow(
      '--at "2026-02-30T06:00:00Z" names a date or time that does not exist',
    );
    expect(() => parseInstant('2026-02-29T06:00:00Z', '--at')).toThrow(/does not exist/);
    expect(() => parseInstant('2026-11-28T24:00:00Z', '--at')).toThrow(/does not exist/);
    expect(parseInstant('2028-02-29T06:00:00Z', '--at')).toBe('2028-02-29T06:00:00.000Z');
    expect(parseInstant('2026-11-28T06:30:00+01:00', '--at')).toBe('2026-11-28T05:30:00.000Z');
    expect(() => parseInstant('2026-11-28', '--at')).toThrow(/is not an instant with an offset/);
  });
});

describe('a schedule', () => {
  it('refuses a starting deadline of zero, which would skip every tick (issue 23, point 11)', () => {
    const definition = (deadline: string) => ({
      apiVersion: 'cxone-exports/v1',
      kind: 'CsvExport',
      metadata: { name: 'a' },
      spec: {
        dataActionId: 'da-1',
        datasetId: 'ds-1',
        format: { maxRows: 10 },
        schedule: { cron: '0 6 * * *', timeZone: 'UTC', startingDeadline: deadline },
      },
    });
    expect(schemaCheck('export')(definition('0s')).map((p) => p.message)).toEqual([
      expect.stringContaining('must be a duration above zero such as 30m, 2h or 1d') as string,
    ]);
    expect(schemaCheck('export')(definition('00m'))).toHaveLength(1);
    expect(schemaCheck('export')(definition('10s'))).toEqual([]);
  });
});
