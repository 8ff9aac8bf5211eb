// Issue 38's figure: `plan --json` of 10,000 changes (10,000 definitions, no state yet) with 20 policy rules,
// against the same plan with none, interleaved in the same run. The rules read the spec, the labels and the
// changed fields, as a reviewer's would.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDefinitions } from './generate-definitions.mjs';
import { fmt, median, timeNodeInterleaved, verdict } from './measure.mjs';

const RULES = Array.from({ length: 20 }, (_, i) => {
  const when = [
    `change.spec.format.maxRows > ${1_000_000 + i * 1000}`,
    `change.spec.datasetId == "ds-recordings-${i}" && change.environment == "default"`,
    `change.spec.format.delimiter == "|" && change.labels["team"] == "finance-${i}"`,
    `"spec.format.maxRows" in change.changedFields && change.action == "update"`,
  ][i % 4];
  return `  - name: rule-${i}\n    level: warn\n    when: '${when}'\n`;
}).join('');

export async function benchPolicies({ cli, runs }) {
  const root = mkdtempSync(join(tmpdir(), 'cxone-bench-policies-'));
  try {
    const count = generateDefinitions(root, { files: 1000, perFile: 10 });
    const config = join(root, 'cxone-exports.config.yaml');
    const rounds = Math.max(3, runs);
    console.log(`policies: plan --json of ${count} changes, with 20 rules and with none, ${rounds} interleaved runs`);
    const [without, withRules] = timeNodeInterleaved(
      [
        [cli, 'plan', '--json'],
        [cli, 'plan', '--json'],
      ],
      {
        runs: rounds,
        cwd: root,
        discardStdout: true,
        beforeEach: (command) =>
          writeFileSync(config, `exportsDir: exports\n${command === 1 ? `policies:\n${RULES}` : ''}`),
      },
    );
    const ratio = median(withRules.wallMs) / median(without.wallMs);
    console.log(`  plan --json, no policies   median ${fmt(median(without.wallMs))} ms`);
    console.log(`  plan --json, 20 rules      median ${fmt(median(withRules.wallMs))} ms  ratio ${fmt(ratio, 3)}`);
    return verdict('plan with 20 rules / plan without', `${fmt(ratio, 3)}x`, '< 1.10x', ratio < 1.1);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
