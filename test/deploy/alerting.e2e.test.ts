// The alerting kit in deploy/: Prometheus rules checked and unit-tested by promtool, and a Grafana dashboard and
// rules that ask only for metrics the receiver's /metrics exposes.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ReceiverMetrics } from '../../src/callbacks/receiver-metrics.js';

const DEPLOY = join(import.meta.dirname, '..', '..', 'deploy');

function promtool(...args: string[]): string {
  try {
    return execFileSync('promtool', args, { cwd: join(DEPLOY, 'prometheus'), encoding: 'utf8', stdio: 'pipe' });
  } catch (error) {
    const failure = error as { code?: string; stdout?: string; stderr?: string };
    if (failure.code === 'ENOENT')
      throw new Error(
        'promtool is not installed: the test set-up installs it (test/support/system-packages.ts), or apt-get install prometheus',
      );
    throw new Error(`promtool ${args.join(' ')} failed:\n${failure.stdout ?? ''}${failure.stderr ?? ''}`);
  }
}

/** Every metric name /metrics can answer with, histogram series included. */
async function exposedMetricNames(): Promise<Set<string>> {
  const { body } = await new ReceiverMetrics().render();
  const names = new Set<string>();
  for (const [, name, type] of body.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(name!);
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${name!}${suffix}`);
  }
  return names;
}

function metricNamesIn(expression: string): string[] {
  return [...expression.matchAll(/\bcxone_exports_[a-z_]+/g)].map((match) => match[0]);
}

describe('the alerting kit', () => {
  it('has Prometheus rules that promtool accepts, and unit tests of each alert that pass', () => {
    expect(promtool('check', 'rules', 'alerts.yml')).toContain('SUCCESS: 3 rules found');
    expect(promtool('test', 'rules', 'alerts.test.yml')).toContain('SUCCESS');
    const tests = parse(readFileSync(join(DEPLOY, 'prometheus', 'alerts.test.yml'), 'utf8')) as {
      tests: { alert_rule_test: { alertname: string; exp_alerts: unknown[] }[] }[];
    };
    const rules = parse(readFileSync(join(DEPLOY, 'prometheus', 'alerts.yml'), 'utf8')) as {
      groups: { rules: { alert: string }[] }[];
    };
    // Each alert is tested both firing and not firing.
    for (const { alert } of rules.groups.flatMap((group) => group.rules)) {
      const cases = tests.tests.flatMap((t) => t.alert_rule_test).filter((t) => t.alertname === alert);
      expect(
        cases.some((c) => c.exp_alerts.length > 0),
        alert,
      ).toBe(true);
      expect(
        cases.some((c) => c.exp_alerts.length === 0),
        alert,
      ).toBe(true);
    }
  });

  it('has a dashboard and rules that query only metrics /metrics exposes', async () => {
    const exposed = await exposedMetricNames();
    const dashboard = JSON.parse(readFileSync(join(DEPLOY, 'grafana', 'cxone-exports.json'), 'utf8')) as {
      panels: { title: string; targets: { expr: string }[] }[];
    };
    const rules = parse(readFileSync(join(DEPLOY, 'prometheus', 'alerts.yml'), 'utf8')) as {
      groups: { rules: { alert: string; expr: string }[] }[];
    };
    const expressions = [
      ...dashboard.panels.flatMap((panel) => panel.targets.map((t) => [panel.title, t.expr] as const)),
      ...rules.groups.flatMap((group) => group.rules.map((rule) => [rule.alert, rule.expr] as const)),
    ];
    const used = new Set(expressions.flatMap(([, expr]) => metricNamesIn(expr)));
    expect([...used].filter((name) => !exposed.has(name))).toEqual([]);
    // The dashboard shows what the issue asks of it.
    // It links to the status page, and each stale export to its own page there.
    const text = readFileSync(join(DEPLOY, 'grafana', 'cxone-exports.json'), 'utf8');
    expect(text).toContain('"url": "${status_page}/"');
    expect(text).toContain('"url": "${status_page}/exports/${__field.labels.export}"');
    for (const metric of [
      'cxone_exports_executions_total',
      'cxone_exports_execution_latency_seconds_bucket',
      'cxone_exports_rows_exported_total',
      'cxone_exports_stale',
      'cxone_exports_last_success_timestamp_seconds',
      'cxone_exports_next_run_timestamp_seconds',
      'cxone_exports_callbacks_rejected_total',
    ])
      expect(used.has(metric), metric).toBe(true);
  });

  it("labels every series with the receiver's environment, which the rules and the dashboard group by", async () => {
    const metrics = new ReceiverMetrics({ environment: 'production' });
    metrics.recordRejection('bad-signature');
    metrics.observeRequest('POST', '/webhook', 200, 0.01);
    const samples = (await metrics.render()).body.split('\n').filter((line) => /^cxone_exports_\w+\{/.test(line));
    expect(samples.length).toBeGreaterThan(0);
    for (const sample of samples) expect(sample, sample).toContain('environment="production"');
    const rules = parse(readFileSync(join(DEPLOY, 'prometheus', 'alerts.yml'), 'utf8')) as {
      groups: { rules: { alert: string; expr: string }[] }[];
    };
    for (const rule of rules.groups.flatMap((group) => group.rules))
      expect(rule.expr, rule.alert).toContain('environment');
    const dashboard = readFileSync(join(DEPLOY, 'grafana', 'cxone-exports.json'), 'utf8');
    expect(dashboard.match(/cxone_exports_\w+\{environment=~\\"\$environment\\"/g)?.length).toBe(
      dashboard.match(/cxone_exports_\w+/g)!.length - 2, // the variable, in its query and its definition
    );
  });
});
