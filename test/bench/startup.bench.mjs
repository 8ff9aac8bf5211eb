// Start-up figures (issues 16 and 26): `validate` and `plan` on the bundled exports, each against a bare
// `node -e 0` on the same Node.js, measured in the same run, all as fresh processes: what a pre-commit hook or an
// editor task waits for. On every supported Node.js line (this one and those pinned in .ci/node-versions), without
// the machine's NODE_EXTRA_CA_CERTS, with the caches (V8's code cache of the command's first successful runs, and
// Node's module compile cache on 22 and newer) as a user has them after a few runs; also without them, for what
// they save; and the first run, which writes them, for what writing costs (and so whether a fresh CI job, which
// runs a command once or twice, should write them: it does not). The bars are Node.js 24's: validate <= 2.5x,
// plan <= 3x.

import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, median, timeNodeInterleaved, verdict } from './measure.mjs';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** This Node.js, and the official binaries of the versions CI tests (installed by .ci/node-binary if missing). */
function nodes() {
  const versions = readFileSync(join(REPO, '.ci', 'node-versions'), 'utf8')
    .split('\n')
    .filter(Boolean);
  return [
    { version: process.versions.node, node: process.execPath },
    ...versions.map((version) => ({
      version,
      node: execFileSync(join(REPO, '.ci', 'node-binary'), [version], { encoding: 'utf8' }).trim(),
    })),
  ];
}

export async function benchStartup({ cli, runs }) {
  const root = mkdtempSync(join(tmpdir(), 'cxone-bench-startup-'));
  try {
    cpSync(join(REPO, 'exports'), join(root, 'exports'), { recursive: true });
    cpSync(join(REPO, 'cxone-exports.config.yaml'), join(root, 'cxone-exports.config.yaml'));
    mkdirSync(join(root, '.git'));
    writeFileSync(join(root, '.git', 'HEAD'), '');
    const count = Math.max(runs * 4, 20);
    console.log(`start-up: the bundled exports in both environments, ${count} runs each, interleaved`);
    // The caches in this run's own user cache folder, filled by a first run as a user's are.
    const cacheHome = join(root, 'cache');
    // Not as a CI job, which reads the code cache but does not write it.
    const unsetEnv = ['NODE_EXTRA_CA_CERTS', 'CI', 'GITHUB_ACTIONS'];
    const options = { runs: count, cwd: root, unsetEnv, env: { XDG_CACHE_HOME: cacheHome } };
    const userEnv = { ...process.env, XDG_CACHE_HOME: cacheHome };
    for (const name of unsetEnv) delete userEnv[name];
    const ratios = {};
    for (const { version, node } of nodes()) {
      const major = Number(version.split('.')[0]);
      const commands = [
        ['-e', '0'],
        [cli, 'validate'],
        [cli, '--env', 'sandbox', 'plan'],
      ];
      // Each command's first runs make and refine its caches, as a user's do.
      for (let run = 0; run < 4; run++)
        for (const args of commands.slice(1)) execFileSync(node, args, { cwd: root, env: userEnv, stdio: 'ignore' });
      const [bare, validate, plan] = timeNodeInterleaved(commands, { ...options, node });
      const validateRatio = median(validate.wallMs) / median(bare.wallMs);
      const planRatio = median(plan.wallMs) / median(bare.wallMs);
      ratios[major] = { validateRatio, planRatio };
      console.log(
        `  Node.js ${version.padEnd(8)} node -e 0 ${fmt(median(bare.wallMs))} ms, validate ${fmt(median(validate.wallMs))} ms (${fmt(validateRatio, 2)}x), plan ${fmt(median(plan.wallMs))} ms (${fmt(planRatio, 2)}x)`,
      );
      const [bareCold, validateCold, planCold] = timeNodeInterleaved(commands, {
        ...options,
        node,
        env: { ...options.env, NODE_DISABLE_COMPILE_CACHE: '1' },
      });
      console.log(
        `  Node.js ${version.padEnd(8)} without the caches: validate ${fmt(median(validateCold.wallMs))} ms (${fmt(median(validateCold.wallMs) / median(bareCold.wallMs), 2)}x), plan ${fmt(median(planCold.wallMs))} ms (${fmt(median(planCold.wallMs) / median(bareCold.wallMs), 2)}x)`,
      );
      // The first run of validate, with nothing cached: it writes the caches on its way out.
      const firstHome = join(root, 'first-run-cache');
      const [, validateFirst] = timeNodeInterleaved(commands.slice(0, 2), {
        ...options,
        node,
        env: { XDG_CACHE_HOME: firstHome },
        beforeEach: () => rmSync(firstHome, { recursive: true, force: true }),
      });
      const [first, cold, warm] = [validateFirst, validateCold, validate].map((m) => median(m.wallMs));
      console.log(
        `  Node.js ${version.padEnd(8)} validate's first run, writing the caches: ${fmt(first)} ms; writing costs ${fmt(first - cold)} ms, each later run saves ${fmt(cold - warm)} ms (${fmt((first - cold) / (cold - warm), 1)} runs to repay it)`,
      );
    }
    const newest = ratios[24];
    if (newest === undefined) return verdict('start-up on Node.js 24', 'not measured', 'Node.js 24', false);
    return [
      verdict(
        'validate / node -e 0 on Node.js 24',
        `${fmt(newest.validateRatio, 2)}x`,
        '<= 2.5x',
        newest.validateRatio <= 2.5,
      ),
      verdict('plan / node -e 0 on Node.js 24', `${fmt(newest.planRatio, 2)}x`, '<= 3x', newest.planRatio <= 3),
    ].every(Boolean);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
