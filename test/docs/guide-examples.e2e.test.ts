// Every console block of the guides (`$ ` lines and what they print) is run here and must match. Each block is
// preceded by `<!-- example: NAME -->`, the set-up it runs in (below): the bundled exports in a repository of
// one environment, its state made by real applies against the simulator, on a clock pinned by libfaketime.
// In the expected lines `…` stands for lines left out, `<n>` for a number, `<id>` for an execution id, `<time>`
// for an ISO 8601 instant and `<duration>` for a duration (`0 ms`, `1.0 s`: CXone's seconds make it vary) with
// the spaces after it. Two or more spaces, a table's padding, stand for any number of two or more: a column is
// as wide as its widest value, and the rows an execution exports depend on the order its submission reached the
// simulator in, which an apply's concurrency leaves open. UPDATE_EXAMPLES=1 prints what each block printed, to paste.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CxoneSimulator } from '../../src/simulator/cxone-simulator.js';
import { clockAt } from '../support/libfaketime.js';
import { CLI } from '../support/run-cli.js';
import { simEnvironment, startSimulator } from '../support/simulator.js';

const ROOT = join(import.meta.dirname, '..', '..');
const GUIDES = join(ROOT, 'docs', 'guides');
/** The instant every command of an example starts at: a Friday morning, between the bundled schedules' ticks. */
const NOW = '2026-11-27T07:00:00Z';

interface Example {
  guide: string;
  setUp: string;
  commands: { command: string; expected: string[] }[];
}

function examples(): Example[] {
  return readdirSync(GUIDES).flatMap((guide) => {
    const text = readFileSync(join(GUIDES, guide), 'utf8');
    return [...text.matchAll(/(?:<!-- example: ([\w-]+) -->\n\n?)?^```console\n([^]*?)^```$/gm)].map((m) => {
      const commands: Example['commands'] = [];
      for (const line of m[2]!.trimEnd().split('\n')) {
        if (line.startsWith('$ ')) commands.push({ command: line.slice(2), expected: [] });
        else commands.at(-1)!.expected.push(line);
      }
      return { guide, setUp: m[1] ?? '(none)', commands };
    });
  });
}

function shown(expected: readonly string[]): RegExp {
  const lines = expected.map((line) =>
    line === '…'
      ? '(?:.*\\n)*?'
      : `${line
          .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
          .replace(/ {2,}/g, ' {2,}')
          .replace(/<n>/g, '\\d+')
          .replace(/<id>/g, 'exe_[0-9a-f-]+')
          .replace(/<time>/g, '\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z')
          .replace(/<duration> ?/g, '\\d+(?:\\.\\d+)? m?s *')}\\n`,
  );
  return new RegExp(`^${lines.join('')}$`);
}

/** The bundled exports in a repository of one environment, `cxone-exports` on the PATH at a pinned clock. */
function repository(sim: CxoneSimulator | undefined): { dir: string; env: Record<string, string> } {
  const dir = mkdtempSync(join(tmpdir(), 'cxone-exports-example-'));
  cpSync(join(ROOT, 'exports'), join(dir, 'exports'), { recursive: true });
  const agentActivity = join(dir, 'exports', 'wfm', 'agent-activity-daily.yaml');
  writeFileSync(agentActivity, readFileSync(agentActivity, 'utf8').replace(/^environments:[^]*$/m, ''));
  writeFileSync(join(dir, 'cxone-exports.config.yaml'), 'apply:\n  spacingMs: 0\n');
  const bin = join(dir, '.bin');
  mkdirSync(bin);
  const clock = Object.entries(clockAt(NOW).env).map(([name, value]) => `${name}='${value}'`);
  writeFileSync(
    join(bin, 'cxone-exports'),
    `#!/bin/sh\nexec env ${clock.join(' ')} '${process.execPath}' '${CLI}' "$@"\n`,
  );
  chmodSync(join(bin, 'cxone-exports'), 0o755);
  const env = {
    PATH: `${bin}:${process.env.PATH ?? ''}`,
    HOME: dir,
    NO_COLOR: '1',
    ...(sim === undefined ? {} : simEnvironment(sim)),
  };
  return { dir, env };
}

/** Runs a script and returns what it printed, whatever its exit code; asynchronously, so the simulator answers. */
async function sh(dir: string, env: Record<string, string>, script: string): Promise<string> {
  const child = spawn('bash', ['-c', `${script} 2>&1`], { cwd: dir, env, stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  await once(child, 'close');
  if (process.env.UPDATE_EXAMPLES === '1') process.stderr.write(`--- (set-up) $ ${script}\n${output}`);
  return output;
}

const SET_UPS: Record<string, () => Promise<{ dir: string; env: Record<string, string> }>> = {
  /** A definition with a misspelt key and a maxRows of 0, beside the bundled ones. */
  'bad-definition': async () => {
    const repo = repository(undefined);
    mkdirSync(join(repo.dir, 'exports', 'team'));
    writeFileSync(
      join(repo.dir, 'exports', 'team', 'bad.yaml'),
      'apiVersion: cxone-exports/v1\nkind: CsvExport\nmetadata:\n  name: bad\nspec:\n  dataActionId: da-bad\n  datasetId: ds-bad\n  format:\n    delimter: comma\n    maxRows: 0\n',
    );
    return Promise.resolve(repo);
  },
  /** Applied once; one data action refused by the tenant, and a definition changed since. */
  'failed-and-changed': async () => {
    const sim = await startSimulator({ forbiddenDataActions: ['da-billing-usage'] });
    const repo = repository(sim);
    await sh(repo.dir, repo.env, 'cxone-exports apply --auto-approve --wait');
    const quality = join(repo.dir, 'exports', 'quality', 'interaction-quality.yaml');
    writeFileSync(quality, readFileSync(quality, 'utf8').replace('delimiter: pipe', 'delimiter: tab'));
    return repo;
  },
  /** Applied once, every execution completed. */
  applied: async () => {
    const sim = await startSimulator();
    const repo = repository(sim);
    await sh(repo.dir, repo.env, 'cxone-exports apply --auto-approve --wait');
    return repo;
  },
  /** A simulator is started by the block itself. */
  simulator: () => Promise.resolve(repository(undefined)),
};

describe('the examples in the guides', () => {
  const all = examples();

  it('each name a set-up this test knows', () => {
    expect(all.filter((e) => SET_UPS[e.setUp] === undefined).map((e) => `${e.guide}: ${e.setUp}`)).toEqual([]);
  });

  it.each(all.map((e) => [`${e.guide} (${e.setUp})`, e] as const))(
    '%s runs as shown',
    async (_name, example) => {
      const { dir, env } = await SET_UPS[example.setUp]!();
      for (const { command, expected } of example.commands) {
        let output: string;
        if (/ sim( |$)/.test(command)) {
          // A server: what it prints once it listens.
          const sim = spawn('bash', ['-c', `exec ${command} 2>&1`], { cwd: dir, env });
          output = '';
          sim.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
          while (!output.includes('listening')) await once(sim.stdout, 'data');
          sim.kill('SIGTERM');
          await once(sim, 'exit');
          output = output
            .split('\n')
            .filter((line) => !line.startsWith('# simulator stopped'))
            .join('\n');
        } else output = await sh(dir, env, command);
        if (process.env.UPDATE_EXAMPLES === '1') process.stderr.write(`--- ${example.guide}: $ ${command}\n${output}`);
        expect(output, `${example.guide}: $ ${command}`).toMatch(shown(expected));
      }
    },
    60_000,
  );
});
