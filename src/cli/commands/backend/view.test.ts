import { describe, expect, it } from 'vitest';
import { recordingLogger } from '../../../../test/support/recording-logger.js';
import { backendInitView } from './view.js';

describe('the backend init view', () => {
  it('prints the SQL alone on stdout, and what the set-up did on stderr', () => {
    const logger = recordingLogger();
    const view = backendInitView({ logger });
    view.sql('CREATE SCHEMA x;');
    view.setUp(true, 'pg 127.0.0.1:5432/db x.default');
    view.setUp(false, 'pg 127.0.0.1:5432/db x.default');
    view.needsNoSetUp('local', '.cxone-exports');
    expect(logger.written.out).toEqual(['CREATE SCHEMA x;']);
    expect(logger.written.info).toEqual([
      'Created pg 127.0.0.1:5432/db x.default.',
      'Already set up: pg 127.0.0.1:5432/db x.default.',
      'The local backend needs no set-up: .cxone-exports is made on first use.',
    ]);
  });
});
