// Rehearses a GitHub workflow on this machine: the `run:` steps of one job, in order, each in the shell and with
// the options GitHub would use for it (a step's `shell:`, else the job's or workflow's `defaults.run.shell`),
// GitHub's environment files ($GITHUB_OUTPUT, $GITHUB_PATH, $GITHUB_STEP_SUMMARY), `${{ }}` expressions filled
// in, `if: always()` honoured, as is a comparison of a step's output (`steps.<id>.outputs.<name> == 'value'`).
// A composite action named in `actions` runs its own steps, with its inputs and GITHUB_ACTION_PATH, and hands
// its declared outputs to the workflow. Other `uses:` steps are the caller's to stand in for (`standIn` gives a
// script to run in a step's place), and so are `needs:` between jobs: the caller rehearses them in order.

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
  with?: Record<string, string | boolean | number>;
}

interface Defaults {
  defaults?: { run?: { shell?: string } };
}

interface CompositeAction {
  inputs?: Record<string, { default?: string }>;
  outputs?: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
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

export interface RehearsalOptions {
  cwd: string;
  env: Record<string, string>;
  expressions: Record<string, string>;
  scratch: string;
  /** The job to run; needed when the workflow has more than one. */
  job?: string;
  /** A script to run in a step's place (an action's, or a step too costly here), or undefined to run it as is. */
  standIn?: (step: Step) => string | undefined;
  /** Composite actions by what `uses:` names them (`owner/repo@v1`, `./`): the folder of their action.yml. */
  actions?: Record<string, string>;
}

/** What the steps of one job share: the environment files, PATH additions, results and the failure so far. */
interface JobRun {
  options: RehearsalOptions;
  outputFile: string;
  pathFile: string;
  summaryFile: string;
  outputLinesSeen: number;
  pathLinesSeen: number;
  extraPath: string[];
  steps: StepResult[];
  failed: boolean;
}

/** The expressions one list of steps sees: the caller's, its inputs, and its own steps' outputs. */
interface Scope {
  expressions: Record<string, string>;
  stepOutputs: Record<string, string>;
  shell: string | undefined;
  env: Record<string, string>;
}

export async function rehearseWorkflow(workflowFile: string, options: RehearsalOptions): Promise<Rehearsal> {
  const workflow = parse(readFileSync(workflowFile, 'utf8')) as Defaults & {
    jobs: Record<string, Defaults & { env?: Record<string, string>; steps: Step[] }>;
  };
  const names = Object.keys(workflow.jobs);
  if (options.job === undefined && names.length !== 1)
    throw new Error(`${workflowFile} has the jobs ${names.join(', ')}: name the one to rehearse`);
  const job = workflow.jobs[options.job ?? names[0]!];
  if (job === undefined) throw new Error(`${workflowFile} has no job ${options.job}`);
  const stamp = `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const run: JobRun = {
    options,
    outputFile: join(options.scratch, `output-${stamp}`),
    pathFile: join(options.scratch, `path-${stamp}`),
    summaryFile: join(options.scratch, `summary-${stamp}`),
    outputLinesSeen: 0,
    pathLinesSeen: 0,
    extraPath: [],
    steps: [],
    failed: false,
  };
  for (const file of [run.outputFile, run.pathFile, run.summaryFile]) writeFileSync(file, '');
  const scope: Scope = {
    expressions: options.expressions,
    stepOutputs: {},
    shell: job.defaults?.run?.shell ?? workflow.defaults?.run?.shell,
    env: job.env ?? {},
  };
  await runSteps(run, job.steps, scope);
  const outputs = Object.fromEntries(
    readFileSync(run.outputFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]),
  );
  return { steps: run.steps, outputs, summary: readFileSync(run.summaryFile, 'utf8') };
}

function fill(scope: Scope, text: string): string {
  return text.replace(
    /\$\{\{\s*([^}]+?)\s*\}\}/g,
    (_m, expression: string) => scope.expressions[expression] ?? scope.stepOutputs[expression] ?? '',
  );
}

/**
 * Status functions: always() runs whatever happened, failure() only after a failure, and a step with neither
 * only while nothing has failed; and a comparison of a step's output. Other conditions are the caller's.
 */
function shouldRun(run: JobRun, scope: Scope, condition: string): boolean {
  const output = /^steps\.(\w+)\.outputs\.(\w+) == '([^']*)'$/.exec(condition.trim());
  if (output) return !run.failed && scope.stepOutputs[`steps.${output[1]}.outputs.${output[2]}`] === output[3];
  return condition.includes('always()') || (condition.includes('failure()') ? run.failed : !run.failed);
}

async function runSteps(run: JobRun, steps: readonly Step[], scope: Scope): Promise<void> {
  const { options } = run;
  for (const step of steps) {
    const action = step.uses === undefined ? undefined : options.actions?.[step.uses];
    if (action !== undefined && options.standIn?.(step) === undefined) {
      if (!shouldRun(run, scope, step.if ?? '')) continue;
      await runComposite(run, step, action, scope);
      continue;
    }
    const script = options.standIn?.(step) ?? step.run;
    if (script === undefined) continue;
    const name = fill(scope, step.name ?? step.uses ?? script.split('\n')[0]!);
    if (!shouldRun(run, scope, step.if ?? '')) {
      run.steps.push({ name, code: 0, stdout: '', stderr: '', skipped: true });
      continue;
    }
    // The variables every Actions step gets.
    const env: Record<string, string> = {
      ...options.env,
      GITHUB_ACTIONS: 'true',
      GITHUB_OUTPUT: run.outputFile,
      GITHUB_PATH: run.pathFile,
      GITHUB_STEP_SUMMARY: run.summaryFile,
      GITHUB_RUN_ID: options.expressions['github.run_id'] ?? '1',
      GITHUB_ACTOR: options.expressions['github.actor'] ?? 'octocat',
      RUNNER_TEMP: options.scratch,
    };
    if (run.extraPath.length > 0) env.PATH = [...run.extraPath, env.PATH ?? ''].join(':');
    // The job's (or the action's) variables, then the step's, which win.
    for (const [key, value] of Object.entries({ ...scope.env, ...step.env })) {
      const filled = fill(scope, value);
      if (filled !== '') env[key] = filled;
    }
    const result = await runShell(step.shell ?? scope.shell, fill(scope, script), options.cwd, env);
    run.steps.push({ name, ...result, skipped: false });
    const lines = readFileSync(run.outputFile, 'utf8').split('\n').filter(Boolean);
    for (const line of lines.slice(run.outputLinesSeen)) {
      const [key, value] = line.split(/=(.*)/s) as [string, string];
      if (step.id !== undefined) scope.stepOutputs[`steps.${step.id}.outputs.${key}`] = value;
    }
    run.outputLinesSeen = lines.length;
    const paths = readFileSync(run.pathFile, 'utf8').split('\n').filter(Boolean);
    // GitHub puts each later addition in front.
    for (const path of paths.slice(run.pathLinesSeen)) run.extraPath.unshift(path);
    run.pathLinesSeen = paths.length;
    if (result.code !== 0) run.failed = true;
  }
}

/** A composite action's steps, in a scope of their own: its inputs, its steps' outputs, GITHUB_ACTION_PATH. */
async function runComposite(run: JobRun, step: Step, folder: string, outer: Scope): Promise<void> {
  const action = parse(readFileSync(join(folder, 'action.yml'), 'utf8')) as CompositeAction;
  if (action.runs.using !== 'composite') throw new Error(`${step.uses!} is not a composite action`);
  const inputs: Record<string, string> = {};
  for (const [name, input] of Object.entries(action.inputs ?? {})) {
    const given = step.with?.[name];
    inputs[`inputs.${name}`] = given === undefined ? fill(outer, input.default ?? '') : fill(outer, String(given));
  }
  for (const name of Object.keys(step.with ?? {}))
    if (action.inputs?.[name] === undefined) throw new Error(`${step.uses!} has no input ${name}`);
  const inner: Scope = {
    expressions: { ...outer.expressions, ...inputs, 'github.action_path': folder },
    stepOutputs: {},
    shell: undefined,
    env: { ...outer.env, ...step.env, GITHUB_ACTION_PATH: folder },
  };
  await runSteps(run, action.runs.steps, inner);
  if (step.id === undefined) return;
  for (const [name, output] of Object.entries(action.outputs ?? {}))
    outer.stepOutputs[`steps.${step.id}.outputs.${name}`] = fill(inner, output.value);
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
