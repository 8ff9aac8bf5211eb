// Rehearses a GitHub workflow on this machine: the `run:` steps of one job, in order, each in the shell and with
// the options GitHub would use for it (a step's `shell:`, else the job's or workflow's `defaults.run.shell`),
// GitHub's environment files, `${{ }}` expressions filled in, and `if: always()` honoured, as is a comparison of a
// step's output (`steps.<id>.outputs.<name> == 'value'`). `uses:` steps are the caller's to stand in for (the
// setup action is a `cxone-exports` on the PATH; `standIn` gives a script to run in a step's place), and so are
// `needs:` between jobs: the caller rehearses them in order.

import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export interface Step {
  name?: string;
  id?: string;
  if?: string;
  run?: string;
  uses?: string;
  shell?: string;
  env?: Record<string, string>;
}

interface Defaults {
  defaults?: { run?: { shell?: string } };
}

export interface StepResult {
  name: string;
  code: number;
  stdout: string;
  stderr: string;
  skipped: boolean;
}

export interface Rehearsal {
  steps: StepResult[];
  outputs: Record<string, string>;
  summary: string;
}

export async function rehearseWorkflow(
  workflowFile: string,
  options: {
    cwd: string;
    env: Record<string, string>;
    expressions: Record<string, string>;
    scratch: string;
    /** The job to run; needed when the workflow has more than one. */
    job?: string;
    /** A script to run in a step's place (an action's, or a step too costly here), or undefined to run it as is. */
    standIn?: (step: Step) => string | undefined;
  },
): Promise<Rehearsal> {
  const workflow = parse(readFileSync(workflowFile, 'utf8')) as Defaults & {
    jobs: Record<string, Defaults & { env?: Record<string, string>; steps: Step[] }>;
  };
  const names = Object.keys(workflow.jobs);
  if (options.job === undefined && names.length !== 1)
    throw new Error(`${workflowFile} has the jobs ${names.join(', ')}: name the one to rehearse`);
  const job = workflow.jobs[options.job ?? names[0]!];
  if (job === undefined) throw new Error(`${workflowFile} has no job ${options.job}`);
  const defaultShell = job.defaults?.run?.shell ?? workflow.defaults?.run?.shell;
  const outputFile = join(options.scratch, `output-${Date.now()}`);
  const summaryFile = join(options.scratch, `summary-${Date.now()}`);
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  // Expressions: the caller's, and `steps.<id>.outputs.<name>` of the steps run so far, as GitHub fills them.
  const stepOutputs: Record<string, string> = {};
  const fill = (text: string) =>
    text.replace(
      /\$\{\{\s*([^}]+?)\s*\}\}/g,
      (_m, expression: string) => options.expressions[expression] ?? stepOutputs[expression] ?? '',
    );
  let outputLinesSeen = 0;
  const steps: StepResult[] = [];
  let failed = false;
  for (const step of job.steps) {
    const script = options.standIn?.(step) ?? step.run;
    if (script === undefined) continue;
    const name = step.name ?? step.uses ?? script.split('\n')[0]!;
    // Status functions: always() runs whatever happened, failure() only after a failure, and a step with neither
    // only while nothing has failed; and a comparison of a step's output. Other conditions are the caller's.
    const condition = step.if ?? '';
    const output = /^steps\.(\w+)\.outputs\.(\w+) == '([^']*)'$/.exec(condition.trim());
    const runs = output
      ? !failed && stepOutputs[`steps.${output[1]}.outputs.${output[2]}`] === output[3]
      : condition.includes('always()') || (condition.includes('failure()') ? failed : !failed);
    if (!runs) {
      steps.push({ name, code: 0, stdout: '', stderr: '', skipped: true });
      continue;
    }
    // The variables every Actions step gets.
    const env: Record<string, string> = {
      ...options.env,
      GITHUB_ACTIONS: 'true',
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      GITHUB_RUN_ID: options.expressions['github.run_id'] ?? '1',
      GITHUB_ACTOR: options.expressions['github.actor'] ?? 'octocat',
    };
    // The job's variables, then the step's, which win.
    for (const [key, value] of Object.entries({ ...job.env, ...step.env })) {
      const filled = fill(value);
      if (filled !== '') env[key] = filled;
    }
    const result = await runShell(step.shell ?? defaultShell, fill(script), options.cwd, env);
    steps.push({ name, ...result, skipped: false });
    const lines = readFileSync(outputFile, 'utf8').split('\n').filter(Boolean);
    for (const line of lines.slice(outputLinesSeen)) {
      const [key, value] = line.split(/=(.*)/s) as [string, string];
      if (step.id !== undefined) stepOutputs[`steps.${step.id}.outputs.${key}`] = value;
    }
    outputLinesSeen = lines.length;
    if (result.code !== 0) failed = true;
  }
  const outputs = Object.fromEntries(
    readFileSync(outputFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]),
  );
  return { steps, outputs, summary: readFileSync(summaryFile, 'utf8') };
}

/**
 * How GitHub runs a `run:` script on Linux. With no shell named anywhere it is `bash -e {0}`: no pipefail, so
 * `a | tee` succeeds when `a` fails. Only an explicit `shell: bash` adds `--noprofile --norc -eo pipefail`.
 */
export function shellCommand(shell: string | undefined): string[] {
  switch (shell) {
    case undefined:
      return ['bash', '-e', '-c'];
    case 'bash':
      return ['bash', '--noprofile', '--norc', '-eo', 'pipefail', '-c'];
    case 'sh':
      return ['sh', '-e', '-c'];
    default:
      throw new Error(`the rehearsal does not know the shell ${shell}`);
  }
}

function runShell(
  shell: string | undefined,
  script: string,
  cwd: string,
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const [command, ...args] = shellCommand(shell);
  return new Promise((resolve) => {
    const child = spawn(command!, [...args, script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}
