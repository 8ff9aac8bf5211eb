import { describe, expect, it } from 'vitest';
import { recordingLogger } from '../../../../test/support/recording-logger.js';
import { initView } from './view.js';

describe('the init view', () => {
  it('lists each file written, then the next steps of the set-up chosen', () => {
    const logger = recordingLogger();
    const view = initView({ logger });
    view.wrote('exports/example.yaml', 'created');
    view.wrote('.gitignore', 'updated');
    view.nextSteps('', { backend: 'local', environments: [] });
    expect(logger.written.info.slice(0, 2)).toEqual(['  created  exports/example.yaml', '  updated  .gitignore']);
    expect(logger.written.info[2]).toContain('Set up cxone-exports in this directory. Next:');
    expect(logger.written.info[2]).toContain('npx cxone-exports plan');
    expect(logger.written.info[2]).toContain('docs/guides/github.md');
    expect(logger.written.out).toEqual([]);
  });

  it('names every environment and the database secret for pg with environments', () => {
    const logger = recordingLogger();
    initView({ logger }).nextSteps('team', { backend: 'pg', environments: ['sandbox', 'production'] });
    const [text] = logger.written.info;
    expect(text).toContain('Set up cxone-exports in team. Next:');
    expect(text).toContain('npx cxone-exports --env all plan');
    expect(text).toContain('"sandbox" and "production"');
    expect(text).toContain('CXONE_EXPORTS_PG_URL (its database)');
    expect(text).toContain('docs/guides/state-backends.md');
  });
});
