// The README's quick start, run as written: every `$ ` line of its console blocks in one shell, in an empty
// folder, and what each prints matched against the lines the README shows under it (`…` stands for lines left
// out, `<n>` for a number). Two things differ, and only these: the package is installed from this checkout's
// tarball (the registry's would be the last release, or none), and the simulator's port is a free one.
// The block that starts the simulator ("in a second terminal") runs in the background, as a second terminal would.

import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packedPackage } from '../support/pack.js';
import { freePort } from '../support/serve-process.js';

const ROOT = join(import.meta.dirname, '..', '..');

interface Step {
  command: string;
  expected: string[];
}

/** The console blocks of the README's quick start, each a list of commands with the output shown under them. */
function quickStartBlocks(): Step[][] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = /^## Quick start.*$([^]*?)^## /m.exec(readme)![1]!;
  return [...section.matchAll(/^```console\n([^]*?)^```$/gm)].map((block) => {
    const steps: Step[] = [];
    for (const line of block[1]!.trimEnd().split('\n')) {
      if (line.startsWith('$ ')) steps.push({ command: line.slice(2), expected: [] });
      else steps.at(-1)!.expected.push(line);
    }
    return steps;
  });
}

/** The lines shown, as a pattern: `…` any lines, `<n>` a number, the rest as written. */
function shown(expected: readonly string[]): RegExp {
  const lines = expected.map((line) =>
    line === '…' ? '(?:.*\\n)*?' : `${line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/<n>/g, '\\d+')}\\n`,
  );
  return new RegExp(`^${lines.join('')}$`);
}

describe('the quick start in the README', () => {
  it('runs as written, from an empty folder to a plan with nothing left to do', async () => {
    const blocks = quickStartBlocks();
    expect(blocks).toHaveLength(4);
    const scratch = mkdtempSync(join(tmpdir(), 'cxone-exports-quick-start-'));
    const { tarball } = await packedPackage();
    const port = String(await freePort());
    const adapt = (command: string) =>
      command
        .replace('npm install --save-dev cxone-exports', `npm install --save-dev ${tarball}`)
        .replaceAll('8900', port);
    // npm takes what its cache holds (this checkout's own install filled it) rather than asking the registry again.
    const env = {
      ...process.env,
      NO_COLOR: '1',
      npm_config_update_notifier: 'false',
      npm_config_fund: 'false',
      npm_config_prefer_offline: 'true',
    };

    // One shell for the first terminal: each command's output follows a marker line.
    const run = (steps: Step[], cwd: string) => {
      const script = steps.map((step) => `echo '@@step@@'\n${adapt(step.command)} 2>&1`).join('\n');
      const out = execFileSync('bash', ['-e', '-c', script], { cwd, env, encoding: 'utf8' });
      return out.split('@@step@@\n').slice(1);
    };
    const check = (steps: Step[], outputs: string[]) =>
      steps.forEach((step, i) => expect(outputs[i], step.command).toMatch(shown(step.expected.map(adapt))));

    const [setUp, plan, simulator, apply] = blocks as [Step[], Step[], Step[], Step[]];
    // `cd my-exports` in the first line carries over to the rest of the first terminal: run them as one script.
    const first = run([...setUp, ...plan], scratch);
    check([...setUp, ...plan], first);
    const repo = join(scratch, 'my-exports');

    // The second terminal: the simulator, until the test ends.
    expect(simulator).toHaveLength(1);
    // In a process group of its own: npx runs the command as a child of its own, which a signal to npx alone
    // left running after the test.
    const sim = spawn('bash', ['-c', `exec ${adapt(simulator[0]!.command)}`], { cwd: repo, env, detached: true });
    try {
      let printed = '';
      sim.stdout.setEncoding('utf8').on('data', (chunk: string) => (printed += chunk));
      // The environment's last line is printed once the simulator listens.
      while (!printed.includes('CXONE_ACCESS_KEY_SECRET=')) await once(sim.stdout, 'data');
      expect(printed).toMatch(shown([...simulator[0]!.expected.map(adapt), '…']));

      // The exports of the block run in the same shell as the commands after them.
      const outputs = run(apply, repo);
      check(apply, outputs);
    } finally {
      const exited = once(sim, 'exit');
      process.kill(-sim.pid!, 'SIGTERM');
      await exited;
    }
  }, 180_000);
});
