import { describe, expect, it } from 'vitest';
import { recordingLogger } from '../../../../test/support/recording-logger.js';
import { simView } from './view.js';

describe('the sim view', () => {
  it('writes only NAME=value lines on stdout, and comments on stderr', () => {
    const logger = recordingLogger();
    const view = simView({ logger });
    view.listening({ url: 'http://127.0.0.1:4010', credentials: [['SANDBOX_CLIENT_ID', 'demo-id']] }, true);
    view.stopped('SIGINT', 12, 3);
    const [stdout] = logger.written.out;
    expect(stdout!.split('\n')).toEqual([
      'CXONE_AUTH_URL=http://127.0.0.1:4010',
      'CXONE_API_URL=http://127.0.0.1:4010',
      'SANDBOX_CLIENT_ID=demo-id',
    ]);
    expect(logger.written.warn).toEqual([
      '# CXone simulator listening on http://127.0.0.1:4010 (demo credentials above; callbacks signed with CXONE_CALLBACK_SECRET). Ctrl-C to stop.',
      '# simulator stopped (SIGINT): 12 requests, 3 executions',
    ]);
  });

  it('says when callbacks are unsigned', () => {
    const logger = recordingLogger();
    simView({ logger }).listening({ url: 'http://127.0.0.1:1', credentials: [] }, false);
    expect(logger.written.warn[0]).toContain('callbacks unsigned');
  });
});
