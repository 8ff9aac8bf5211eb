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
    if (process.env.NODE_EXTRA_CA_CERTS !== undefined) {
      // This machine sets NODE_EXTRA_CA_CERTS, which costs every Node.js start the reading of a certificate
      // bundle, so node -e 0 above includes it. What the same commands take without it, for machines without it:
      const [bareAlone, validateAlone, planAlone] = timeNodeInterleaved(
        [
          ['-e', '0'],
          [cli, 'validate'],
          [cli, '--env', 'sandbox', 'plan'],
        ],
        { runs: count, cwd: root, unsetEnv: ['NODE_EXTRA_CA_CERTS'] },
      );
      const ms = (measured) => `${fmt(median(measured.wallMs))} ms`;
      console.log(
        `  INFO  without NODE_EXTRA_CA_CERTS: node -e 0 ${ms(bareAlone)}, validate ${ms(validateAlone)} (${fmt(median(validateAlone.wallMs) / median(bareAlone.wallMs), 2)}x), plan ${ms(planAlone)} (${fmt(median(planAlone.wallMs) / median(bareAlone.wallMs), 2)}x)`,
      );
    }
    return [
      verdict('validate / node -e 0', `${fmt(validateRatio, 2)}x`, '<= 2x', validateRatio <= 2),
      verdict('plan / node -e 0', `${fmt(planRatio, 2)}x`, '<= 2.5x', planRatio <= 2.5),
    ].every(Boolean);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
