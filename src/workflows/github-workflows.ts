// The GitHub workflows of an exports repository, for each set-up `init` offers: the local backend (the state
// committed back) or PostgreSQL (nothing to commit, `contents: read`), one environment or several (a job each,
// sandbox before production). Each job checks out and hands the rest to the cxone-exports Action (action.yml at
// this repository's root): install, run, comment, commit back. One source for all four, so a fix reaches every
// variant; this repository's own workflows are the local one with sandbox and production, using the Action of
// this checkout (a test keeps them equal). Many environments get matrix workflows (matrix-workflows.ts).

export interface WorkflowOptions {
  backend: 'local' | 'pg';
  /** The config's environments in order; empty for a config that defines none. */
  environments: readonly string[];
  /** The Action each job `uses:`: `owner/repo@vN` for an exports repository, `./` in this one. */
  action: string;
}

/** The workflow files, by name (`plan.yml`, …), as YAML text with their comments. */
export function githubWorkflows(options: WorkflowOptions): Record<string, string> {
  return {
    'plan.yml': planWorkflow(options),
    'apply.yml': applyWorkflow(options),
    'refresh.yml': refreshWorkflow(options),
    'schedule.yml': scheduleWorkflow(options),
  };
}

/** One job's environment: its GitHub environment, and the variables its credentials are read from. */
interface Target {
  /** The job id and GitHub environment (`production` for a config without environments). */
  job: string;
  /** `--env NAME ` for the commands, or '' for a config without environments. */
  flag: string;
  /** The variable prefix the config reads this environment's credentials from. */
  prefix: string;
  /** " to sandbox", " of sandbox" … or '' for a config without environments. */
  named: boolean;
}

function targets(options: WorkflowOptions): Target[] {
  if (options.environments.length === 0) return [{ job: 'production', flag: '', prefix: 'CXONE_', named: false }];
  return options.environments.map((name) => ({
    job: name,
    flag: `--env ${name} `,
    prefix: `CXONE_${name.toUpperCase().replace(/-/g, '_')}_`,
    named: true,
  }));
}

export const APPLY_GROUP = `concurrency:
  # One writer of the state at a time: apply, refresh and the schedule share the group. Every apply reconciles
  # everything, so a pending run GitHub drops in favour of a newer one loses nothing.
  group: cxone-exports-apply
  cancel-in-progress: false
`;

/** Where definitions live: a change there is planned on the pull request and applied on merge. */
export const DEFINITION_PATHS = `      - exports/**
      - schemas/**
      - cxone-exports.config.*
      # An upgrade of cxone-exports can change what is sent: it is planned and applied like a definition change.
      - package.json
      - package-lock.json`;

export function permissions(options: WorkflowOptions): string {
  return options.backend === 'local'
    ? `permissions:
  # The state and audit lines are committed back to main.
  contents: write
  # Approval rules read the reviews of the pull request that merged the commit.
  pull-requests: read
`
    : `permissions:
  # The state lives in PostgreSQL: nothing is committed, and the token only reads.
  contents: read
  # Approval rules read the reviews of the pull request that merged the commit.
  pull-requests: read
`;
}

/** The checkout of the latest main: the state committed by earlier runs (and by the job before) must be here. */
export function checkout(options: WorkflowOptions): string {
  return `      - uses: actions/checkout@v4
        with:
          # The latest main, not the triggering commit: it holds every definition merged so far${options.backend === 'local' ? ', and the\n          # state committed by earlier runs and by the job before this one' : ''}.
          ref: main${options.backend === 'local' ? '\n          fetch-depth: 0' : ''}
`;
}

/** The secrets a job's command reads, under the names its environment's config expects. */
function secrets(options: WorkflowOptions, target: Target, callbackToken: boolean): string {
  const lines = [
    `          ${target.prefix}CLIENT_ID: \${{ secrets.CXONE_CLIENT_ID }}`,
    `          ${target.prefix}CLIENT_SECRET: \${{ secrets.CXONE_CLIENT_SECRET }}`,
    ...(callbackToken ? ['          CXONE_CALLBACK_TOKEN: ${{ secrets.CXONE_CALLBACK_TOKEN }}'] : []),
    ...(options.backend === 'pg' ? ['          CXONE_EXPORTS_PG_URL: ${{ secrets.CXONE_EXPORTS_PG_URL }}'] : []),
  ];
  return `        # authUrl and apiUrl come from cxone-exports.config.yaml; only secrets come from the environment.
        env:
${lines.join('\n')}
`;
}

/**
 * The GitHub environment a job runs in, by what it does: only apply runs in the tenant's own environment, the one
 * whose required reviewers approve changes. Plans and refreshes read with the credentials of `<name>-plan`, the
 * schedule fires ticks with those of `<name>-schedule`, so reviewers are asked for what matters only.
 */
export type JobRole = 'apply' | 'plan' | 'schedule';

export function environmentFor(name: string, role: JobRole): string {
  return role === 'apply' ? name : `${name}-${role}`;
}

/** The job header: one per environment, in order, each after the one before. */
function jobHeader(
  options: WorkflowOptions,
  target: Target,
  index: number,
  minutes: number,
  always: string,
  role: JobRole,
): string {
  const previous = index === 0 ? undefined : targets(options)[index - 1]!.job;
  return `  ${target.job}:
    runs-on: ubuntu-latest
    timeout-minutes: ${minutes}
    environment: ${environmentFor(target.job, role)}
${
  target.named
    ? `    # Every step's commands act on this environment (the commit-back asks which files hold its state).
    env:
      CXONE_EXPORTS_ENV: ${target.job}
`
    : ''
}${previous === undefined ? '' : `    needs: ${previous}\n`}${previous !== undefined && always !== '' ? `    # ${always}\n    if: always()\n` : ''}    steps:
`;
}

/** The files of a job's state in the repository: uploaded too, so a failed push loses nothing. */
function stateFiles(options: WorkflowOptions, target: Target): string[] {
  if (options.backend !== 'local') return [];
  const dir = target.named ? `.cxone-exports/${target.job}` : '.cxone-exports';
  return [`${dir}/state.json`, `${dir}/state.wal`, `${dir}/audit.jsonl`];
}

/** The Action's step: its `with:` inputs, in the order given (values are plain words). */
export function actionStep(options: WorkflowOptions, name: string, id: string, inputs: Record<string, string>): string {
  return `      - name: ${name}
        id: ${id}
        uses: ${options.action}
        with:
${Object.entries(inputs)
  .map(([key, value]) => `          ${key}: ${value}`)
  .join('\n')}
`;
}

/** Which environment a job's Action acts on, when the config has several. */
function environmentInput(target: Target): Record<string, string> {
  return target.named ? { environment: target.job } : {};
}

export function upload(name: string, paths: string[]): string {
  return `
      - name: Upload ${paths.length === 1 ? "this run's events" : "the state and this run's events"}
        if: always()
        uses: actions/upload-artifact@v4
        with:
          name: ${name}-\${{ github.run_id }}-\${{ github.run_attempt }}
          path: ${paths.length === 1 ? paths[0] : `|\n${paths.map((p) => `            ${p}`).join('\n')}`}
          if-no-files-found: warn
`;
}

function where(target: Target, preposition: string): string {
  return target.named ? ` ${preposition} ${target.job}` : '';
}

function applyWorkflow(options: WorkflowOptions): string {
  const all = targets(options);
  const several = all.length > 1;
  const jobs = all.map((target, index) => {
    // The first environment waits for its executions when another is promoted from it: that one's gate opens
    // only on completions recorded in this one's state.
    const waits = several && index < all.length - 1;
    return `${jobHeader(options, target, index, 60, '', 'apply')}${checkout(options)}
${
  waits
    ? `      # wait: the next environment's promotion gate opens for what completed here, so this one waits for its
      # executions to end and records them${options.backend === 'local' ? ' before the commit-back' : ''}.
`
    : ''
}${actionStep(options, `Apply${where(target, 'to')}`, 'apply', {
      command: 'apply',
      ...environmentInput(target),
      ...(waits ? { wait: 'true' } : {}),
    })}${secrets(options, target, true)}${upload(`cxone-exports-apply${target.named ? `-${target.job}` : ''}`, [
      ...stateFiles(options, target),
      'cxone-exports.apply.jsonl',
    ])}`;
  });
  const header = `# Apply on merge to main${several ? `, one environment after the other (${all.map((t) => t.job).join(', then ')}): each job runs in the GitHub\n# environment of the same name, whose secrets hold that tenant's credentials, and a later one needs the one before\n# to have succeeded (and can require reviewers in GitHub's environment settings)` : ': one run at a time, on the latest main, in the GitHub environment production'}.
# ${options.backend === 'local' ? 'The state and audit lines are committed back after each run.' : 'The state and audit events live in PostgreSQL (the environment secret CXONE_EXPORTS_PG_URL, the apply role).'}`;
  const on = `  push:
    branches: [main]
    paths:
${DEFINITION_PATHS}`;
  return writingWorkflow(options, header, 'apply', on, jobs);
}

function refreshWorkflow(options: WorkflowOptions): string {
  const jobs = targets(options).map(
    (target, index) =>
      `${jobHeader(options, target, index, 20, 'After the one before, whatever happened there.', 'plan')}${checkout(options)}
${actionStep(options, `Refresh${where(target, 'of')}`, 'refresh', {
  command: 'refresh',
  ...environmentInput(target),
})}${secrets(options, target, false)}`,
  );
  const header = `# Pull completion statuses every hour, where callbacks cannot reach${targets(options).length > 1 ? ', in every environment, one after the other' : ''}.
# ${options.backend === 'local' ? 'The state is committed back after each.' : 'Recorded in PostgreSQL: nothing is committed back.'}`;
  return writingWorkflow(options, header, 'refresh', "  schedule:\n    - cron: '17 * * * *'", jobs);
}

function scheduleWorkflow(options: WorkflowOptions): string {
  const jobs = targets(options).map(
    (target, index) =>
      `${jobHeader(options, target, index, 30, "After the one before, whatever happened there: this one's ticks are due regardless.", 'schedule')}${checkout(options)}
${actionStep(options, `Apply what is due${where(target, 'in')}`, 'schedule', {
  command: 'schedule',
  ...environmentInput(target),
})}${secrets(options, target, true)}`,
  );
  const several = targets(options).length > 1;
  const header = `# Run the scheduled exports that are due: an apply every 15 minutes${several ? ', in every environment, one after the\n# other. A scheduled run repeats what is already applied, so the promotion gate does not hold it; a definition\n# change still needs the environment it is promoted from' : ''} (docs/guides/schedules-and-freshness.md). Nothing else runs a
# schedule: a tick's run is submitted by the first apply after it. GitHub starts scheduled workflows late when it
# is busy (often 5 to 15 minutes, sometimes more) and not at all in a repository without activity for 60 days; an
# export's startingDeadline absorbs the delay, and a tick later than that is skipped and audited, not run late.`;
  return writingWorkflow(options, header, 'schedule', "  schedule:\n    - cron: '*/15 * * * *'", jobs);
}

/**
 * A workflow that writes the state (apply, refresh, the schedule), run by its trigger and by hand: its header,
 * then the jobs of each environment, one writer at a time (`concurrency`: the workflow's group, or none where each
 * job has its own, as in a matrix of environments).
 */
export function writingWorkflow(
  options: WorkflowOptions,
  header: string,
  name: string,
  on: string,
  jobs: string[],
  concurrency: string | null = APPLY_GROUP,
): string {
  return `${header}
name: cxone-exports ${name}

on:
${on}
  workflow_dispatch:

${permissions(options)}
${concurrency === null ? '' : `${concurrency}\n`}jobs:
${jobs.join('\n')}`;
}

export function planWorkflow(options: WorkflowOptions): string {
  const several = options.environments.length > 0;
  // PostgreSQL with environments: each environment's state is read with its own secret, so each plan runs in a
  // job of that environment; a last job puts the sections together into one comment.
  if (several && options.backend === 'pg') return planPerEnvironmentWorkflow(options);
  return `# Plan on every pull request that touches the exports${several ? ', for every environment of the config\n# (docs/guides/environments-and-promotion.md)' : ''}: validation errors as annotations on the changed lines, and one
# sticky comment${several ? ' with a section per environment' : ''}, updated in place on every push.${options.backend === 'pg' ? '\n# The state is read from PostgreSQL with the plan role (read only): the repository secret CXONE_EXPORTS_PG_URL.' : ''}
name: cxone-exports plan

${planFrame(options)}
jobs:
  plan:
    runs-on: ubuntu-latest
    timeout-minutes: 15
    steps:
      - uses: actions/checkout@v4
${actionStep(options, 'Plan', 'plan', { command: 'plan', ...(several ? { environment: 'all' } : {}) })}${
    options.backend === 'pg'
      ? '        env:\n          CXONE_EXPORTS_PG_URL: ${{ secrets.CXONE_EXPORTS_PG_URL }}\n'
      : ''
  }
      - name: Upload the plan
        if: always()
        uses: actions/upload-artifact@v4
        with:
          name: cxone-exports-plan-\${{ github.event.pull_request.number }}-\${{ github.run_attempt }}
          path: ${several ? 'cxone-exports.plan.md' : '|\n            cxone-exports.plan.json\n            cxone-exports.plan.md'}
          if-no-files-found: warn
`;
}

/** What every plan workflow starts with: pull requests that touch definitions (or the local state). */
export function planFrame(options: WorkflowOptions): string {
  return `on:
  pull_request:
    paths:
${DEFINITION_PATHS}${options.backend === 'local' ? '\n      - .cxone-exports/**' : ''}
  # An approval rule is satisfied by a review: the plan check runs again when one is submitted.
  pull_request_review:
    types: [submitted]

permissions:
  contents: read
  # The plan comment and the label.
  pull-requests: write

concurrency:
  group: cxone-exports-plan-\${{ github.event.pull_request.number }}
  cancel-in-progress: true
`;
}

function planPerEnvironmentWorkflow(options: WorkflowOptions): string {
  const names = options.environments;
  return `# Plan on every pull request that touches the exports, for every environment of the config (docs/guides/
# environments-and-promotion.md). Each environment's state is in PostgreSQL, read (never written: plan holds no lock) with that
# environment's secret CXONE_EXPORTS_PG_URL, so each plans in a job of its own GitHub environment; a last job
# checks the definitions (annotations on the changed lines) and posts one sticky comment with a section per
# environment, updated in place on every push.
name: cxone-exports plan

${planFrame(options)}
jobs:
${names
  .map(
    (name) => `  plan-${name}:
    runs-on: ubuntu-latest
    timeout-minutes: 15
    environment: ${environmentFor(name, 'plan')}
    env:
      CXONE_EXPORTS_ENV: ${name}
    steps:
      - uses: actions/checkout@v4
${actionStep(options, `Plan ${name}`, 'plan', { command: 'plan', environment: name, comment: 'false' })}        env:
          CXONE_EXPORTS_PG_URL: \${{ secrets.CXONE_EXPORTS_PG_URL }}

      - name: Upload the plan of ${name}
        if: always()
        uses: actions/upload-artifact@v4
        with:
          name: cxone-exports-plan-${name}-\${{ github.event.pull_request.number }}-\${{ github.run_attempt }}
          path: cxone-exports-plan/
          if-no-files-found: warn
`,
  )
  .join('\n')}
${commentJob(options, `[${names.map((name) => `plan-${name}`).join(', ')}]`, names)}`;
}

/**
 * The last job of a workflow that plans each environment in a job of its own: it downloads their plans and posts
 * one sticky comment with a section per environment, whatever the plans did (a failed one says so in its section).
 */
export function commentJob(options: WorkflowOptions, needs: string, names: readonly string[]): string {
  return `  comment:
    runs-on: ubuntu-latest
    timeout-minutes: 15
    needs: ${needs}
    # The comment is posted whatever the plans did: a failed one says so in its section.
    if: always()
    steps:
      - uses: actions/checkout@v4
      - uses: actions/download-artifact@v4
        with:
          pattern: cxone-exports-plan-*-\${{ github.event.pull_request.number }}-\${{ github.run_attempt }}
          path: cxone-exports-plan
          merge-multiple: true
${actionStep(options, 'Put the plans together', 'plan', { command: 'plan', sections: `'${names.join(' ')}'` })}`;
}
