import { describe, expect, it } from 'vitest';
import { ReceiverMetrics } from './receiver-metrics.js';
import { RequestMetrics } from './request-metrics.js';
import { mergeExpositions } from './merge-expositions.js';
import { Registry } from 'prom-client';

describe('one exposition from several registries', () => {
  it('declares each family once, with every environment’s samples under it', async () => {
    const acme = new ReceiverMetrics({ environment: 'acme-production', requests: false });
    const globex = new ReceiverMetrics({ environment: 'globex-production', requests: false });
    acme.recordRejection('bad-signature');
    globex.recordRejection('schema');
    const registry = new Registry();
    new RequestMetrics(registry).observeRequest('POST', 'callback', 200, 0.01);
    const text = mergeExpositions([(await acme.render()).body, (await globex.render()).body, await registry.metrics()]);
    const declared = text.split('\n').filter((line) => line.startsWith('# TYPE '));
    expect(new Set(declared).size).toBe(declared.length);
    expect(declared).toContain('# TYPE cxone_exports_callbacks_rejected_total counter');
    expect(declared).toContain('# TYPE cxone_exports_http_request_duration_seconds histogram');
    const rejected = text.slice(text.indexOf('# HELP cxone_exports_callbacks_rejected_total'));
    const block = rejected.slice(0, rejected.indexOf('\n\n'));
    expect(block).toContain(
      'cxone_exports_callbacks_rejected_total{reason="bad-signature",environment="acme-production"} 1',
    );
    expect(block).toContain(
      'cxone_exports_callbacks_rejected_total{reason="schema",environment="globex-production"} 1',
    );
  });
});
