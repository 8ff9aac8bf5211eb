// What `serve` does with the audit log at start-up: seed its metrics from it, streamed. Prints the totals.
import { ReceiverMetrics, seedMetricsFromAuditLog } from '../../dist/callbacks/receiver-metrics.js';

const metrics = new ReceiverMetrics();
const scan = await seedMetricsFromAuditLog(metrics, process.argv[2]);
console.log(JSON.stringify({ lines: scan.lines, rejections: await metrics.rejections() }));
