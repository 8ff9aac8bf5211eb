// Issue 2's figures, with issue 16's bars: `validate` on 10,000 definitions in 1,000 files (on every core) against
// a bare parse of the same files, validate again with the cache and one file changed against a cold validate, and
// `--version` against `node -e 0`, all as fresh processes in one run.

import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDefinitions } from './generate-definitions.mjs';
import { fmt, median, timeNode, timeNodeInterleaved, verdict } from './measure.mjs';

export async function benchValidate({ cli, runs }) {
  const root = mkdtempSync(join(tmpdir(), 'cxone-bench-validate-'));
  try {
    writeFileSync(join(root, 'cxone-exports.config.yaml'), 'exportsDir: exports\n');
    const count = generateDefinitions(root, { files: 1000, perFile: 10 });
    console.log(`validate: ${count} definitions in 1000 files, ${runs} runs each`);

    // The bare parse, a cold validate (no cache) and a validate with the cache of the run before and one file of
    // the thousand changed, in turn, so the machine's slower spells weigh on all three alike.
    const cache = join(root, '.cxone-exports', '.cache');
    timeNode([cli, 'validate'], { runs: 1, cwd: root });
    const changed = join(root, 'exports', readdirSync(join(root, 'exports'))[0]);
    const firstFile = join(changed, readdirSync(changed).sort()[0]);
    const [baseline, validate, warm] = timeNodeInterleaved(
      [
        [new URL('./parse-baseline.mjs', import.meta.url).pathname, join(root, 'exports')],
        [cli, 'validate'],
        [cli, 'validate'],
      ],
      {
        runs,
        cwd: root,
        beforeEach: (command, run) => {
          if (command === 1) rmSync(cache, { recursive: true, force: true });
          if (command === 2) appendFileSync(firstFile, `# edit ${run}\n`);
        },
      },
    );
    // One core held by a busy loop (a build beside it): the default threads against the main thread alone, cold.
    const busy = spawn(process.execPath, ['-e', 'for (;;);'], { stdio: 'ignore' });
    let contended;
    try {
      contended = timeNodeInterleaved(
        [
          [cli, 'validate'],
          [cli, 'validate', '--jobs', '1'],
        ],
        { runs, cwd: root, beforeEach: () => rmSync(cache, { recursive: true, force: true }) },
      );
    } finally {
      busy.kill();
    }
    const [busyDefault, busyOne] = contended;
    const [nodeBare, version] = timeNodeInterleaved(
      [
        ['-e', '0'],
        [cli, '--version'],
      ],
      { runs: runs * 2, cwd: root },
    );

    const ratio = median(validate.wallMs) / median(baseline.wallMs);
    const warmRatio = median(warm.wallMs) / median(validate.wallMs);
    const versionRatio = median(version.wallMs) / median(nodeBare.wallMs);
    const peak = Math.max(...validate.rssMb);
    console.log(
      `  baseline parseAllDocuments  median ${fmt(median(baseline.wallMs))} ms  peak RSS ${fmt(Math.max(...baseline.rssMb))} MB`,
    );
    console.log(`  cxone-exports validate      median ${fmt(median(validate.wallMs))} ms  peak RSS ${fmt(peak)} MB`);
    console.log(`  validate, 1 file changed    median ${fmt(median(warm.wallMs))} ms (with the cache)`);
    console.log(
      `  with one core busy: validate ${fmt(median(busyDefault.wallMs))} ms, validate --jobs 1 ${fmt(median(busyOne.wallMs))} ms`,
    );
    console.log(`  node -e 0                   median ${fmt(median(nodeBare.wallMs))} ms`);
    console.log(`  cxone-exports --version     median ${fmt(median(version.wallMs))} ms`);
    return [
      verdict('validate / baseline', `${fmt(ratio, 2)}x`, '<= 1x, on every core', ratio <= 1),
      verdict(
        'validate / validate --jobs 1, one core busy',
        `${fmt(median(busyDefault.wallMs) / median(busyOne.wallMs), 2)}x`,
        '<= 1x, within 5% for noise',
        median(busyDefault.wallMs) <= median(busyOne.wallMs) * 1.05,
      ),
      verdict('validate peak RSS', `${fmt(peak)} MB`, '< 300 MB', peak < 300),
      verdict('validate, 1 of 1000 files changed / cold', `${fmt(warmRatio, 2)}x`, '<= 0.1x', warmRatio <= 0.1),
      verdict('--version / node -e 0', `${fmt(versionRatio, 2)}x`, '<= 2.5x', versionRatio <= 2.5),
    ].every(Boolean);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
