// What `serve` does with the audit log at start-up: seed its metrics from it, streamed. Prints the totals.
import { dirname } from 'node:path';
import { ReceiverMetrics, seedMetricsFromAuditLog } from '../../dist/callbacks/receiver-metrics.js';
import { LocalFileStore } from '../../dist/state/local/local-file-store.js';

const path = process.argv[2];
const metrics = new ReceiverMetrics();
const scan = await seedMetricsFromAuditLog(metrics, new LocalFileStore({ stateDir: dirname(path), auditPath: path }));
console.log(JSON.stringify({ lines: scan.lines, rejections: await metrics.rejections() }));
