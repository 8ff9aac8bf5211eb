// Issue 16's start-up figures: `validate` and `plan` on the bundled exports, each against a bare `node -e 0`
// measured in the same run, all as fresh processes. What a pre-commit hook or an editor task waits for.

import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, median, timeNodeInterleaved, verdict } from './measure.mjs';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

export async function benchStartup({ cli, runs }) {
  const root = mkdtempSync(join(tmpdir(), 'cxone-bench-startup-'));
  try {
    cpSync(join(REPO, 'exports'), join(root, 'exports'), { recursive: true });
    cpSync(join(REPO, 'cxone-exports.config.yaml'), join(root, 'cxone-exports.config.yaml'));
    mkdirSync(join(root, '.git'));
    writeFileSync(join(root, '.git', 'HEAD'), '');
    const count = Math.max(runs * 4, 20);
    console.log(`start-up: the bundled exports in both environments, ${count} runs each, interleaved`);
    const [bare, validate, plan] = timeNodeInterleaved(
      [
        ['-e', '0'],
        [cli, 'validate'],
        [cli, '--env', 'sandbox', 'plan'],
      ],
      { runs: count, cwd: root },
    );
    const validateRatio = median(validate.wallMs) / median(bare.wallMs);
    const planRatio = median(plan.wallMs) / median(bare.wallMs);
    console.log(`  node -e 0                 median ${fmt(median(bare.wallMs))} ms`);
    console.log(`  cxone-exports validate    median ${fmt(median(validate.wallMs))} ms`);
    console.log(`  cxone-exports plan        median ${fmt(median(plan.wallMs))} ms`);
    return [
      verdict('validate / node -e 0', `${fmt(validateRatio, 2)}x`, '<= 2x', validateRatio <= 2),
      verdict('plan / node -e 0', `${fmt(planRatio, 2)}x`, '<= 2.5x', planRatio <= 2.5),
    ].every(Boolean);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
