// The GitHub workflows for many environments (`init --environments acme-sandbox,acme-production:acme-sandbox,…`):
// each workflow's jobs come from a matrix of environments that run side by side, each in its GitHub environment
// and its own concurrency group, so one slow tenant delays no other. Promotion orders them in waves: an
// environment runs in the wave after its source, whose executions that wave waited for. The parts are the ones
// the chained workflows use (github-workflows.ts).

import {
  actionStep,
  checkout,
  commentJob,
  DEFINITION_PATHS,
  planFrame,
  planWorkflow as chainPlanWorkflow,
  upload,
  writingWorkflow,
} from './github-workflows.js';
import type { JobRole, WorkflowOptions } from './github-workflows.js';

export interface MatrixWorkflowOptions extends WorkflowOptions {
  /** Each promoted environment's source, by environment. */
  promotions: Readonly<Record<string, string>>;
}

/** The workflow files, by name, for many environments. */
export function matrixWorkflows(options: MatrixWorkflowOptions): Record<string, string> {
  return {
    'plan.yml': planWorkflow(options),
    'apply.yml': applyWorkflow(options),
    'refresh.yml': refreshWorkflow(options),
    'schedule.yml': scheduleWorkflow(options),
  };
}

/** The environments in waves: the first has no source in the config, each next one is promoted from the one before. */
export function promotionWaves(options: MatrixWorkflowOptions): string[][] {
  const waves: string[][] = [];
  const placed = new Set<string>();
  let left = [...options.environments];
  while (left.length > 0) {
    const wave = left.filter((name) => {
      const source = options.promotions[name];
      return source === undefined || !options.environments.includes(source) || placed.has(source);
    });
    // A circle of promotions has no first wave: the rest run together, and each gate holds what it must.
    const next = wave.length === 0 ? left : wave;
    waves.push(next);
    next.forEach((name) => placed.add(name));
    left = left.filter((name) => !placed.has(name));
  }
  return waves;
}

const SOURCES_OF = (options: MatrixWorkflowOptions) => new Set(Object.values(options.promotions));

/** The per-environment group every writing workflow shares: one writer of an environment's state at a time. */
const GROUP = `    concurrency:
      # One writer of this environment's state at a time (apply, refresh and the schedule share the group); other
      # environments run meanwhile.
      group: cxone-exports-\${{ matrix.environment }}
      cancel-in-progress: false
`;

/**
 * The job's secrets under neutral names: every job has one GitHub environment, whose secrets are named alike for
 * every tenant, and the Action hands them to the command under that environment's own names.
 */
function jobSecrets(options: WorkflowOptions, callbackToken: boolean): string {
  const lines = [
    '          CXONE_JOB_CLIENT_ID: ${{ secrets.CXONE_CLIENT_ID }}',
    '          CXONE_JOB_CLIENT_SECRET: ${{ secrets.CXONE_CLIENT_SECRET }}',
    ...(callbackToken ? ['          CXONE_JOB_CALLBACK_TOKEN: ${{ secrets.CXONE_CALLBACK_TOKEN }}'] : []),
    ...(options.backend === 'pg' ? ['          CXONE_EXPORTS_PG_URL: ${{ secrets.CXONE_EXPORTS_PG_URL }}'] : []),
  ];
  return `        # authUrl and apiUrl come from cxone-exports.config.yaml; only secrets come from the environment.
        env:
${lines.join('\n')}
`;
}

/** A matrix job over `names`: header, strategy, environment and group. */
function matrixJob(
  id: string,
  names: readonly string[],
  minutes: number,
  role: JobRole,
  extra: { needs?: string; always?: string; include?: (name: string) => Record<string, string> } = {},
): string {
  const entries = names.map((name) => {
    const fields = { environment: name, ...(extra.include?.(name) ?? {}) };
    return `          - { ${Object.entries(fields)
      .map(([key, value]) => `${key}: ${value}`)
      .join(', ')} }`;
  });
  return `  ${id}:
    runs-on: ubuntu-latest
    timeout-minutes: ${minutes}
${extra.needs === undefined ? '' : `    needs: ${extra.needs}\n`}${extra.always === undefined ? '' : `    # ${extra.always}\n    if: always()\n`}    strategy:
      # One environment failing stops no other.
      fail-fast: false
      matrix:
        include:
${entries.join('\n')}
    # ${role === 'apply' ? "The tenant's own environment, whose required reviewers approve changes." : `<environment>-${role}: credentials of its own, and no reviewers to ask.`}
    environment: \${{ matrix.environment }}${role === 'apply' ? '' : `-${role}`}
${GROUP}    # Every step's commands act on this environment (the commit-back asks which files hold its state).
    env:
      CXONE_EXPORTS_ENV: \${{ matrix.environment }}
    steps:
`;
}

function stateFiles(options: WorkflowOptions): string[] {
  if (options.backend !== 'local') return [];
  const dir = '.cxone-exports/${{ matrix.environment }}';
  return [`${dir}/state.json`, `${dir}/state.wal`, `${dir}/audit.jsonl`];
}

/** A writing workflow whose jobs each hold their environment's group, so the workflow holds none. */
function writing(options: WorkflowOptions, header: string, name: string, on: string, jobs: string[]): string {
  return writingWorkflow(options, header, name, on, jobs, null);
}

function applyWorkflow(options: MatrixWorkflowOptions): string {
  const waves = promotionWaves(options);
  const sources = SOURCES_OF(options);
  const jobs = waves.map((wave, index) => {
    const id = waves.length === 1 ? 'apply' : `wave-${index + 1}`;
    return `${matrixJob(id, wave, 60, 'apply', {
      ...(index === 0 ? {} : { needs: `wave-${index}` }),
      ...(index === 0
        ? {}
        : {
            always:
              "Whatever the wave before did: each environment's promotion gate holds what its source did not complete.",
          }),
      include: (name) => ({ wait: sources.has(name) ? "'true'" : "'false'" }),
    })}${checkout(options)}
      # wait: an environment another is promoted from waits for its executions, so that one's gate opens for what
      # completed here${options.backend === 'local' ? ', recorded before the commit-back' : ''}.
${actionStep(options, 'Apply to ${{ matrix.environment }}', 'apply', {
  command: 'apply',
  environment: '${{ matrix.environment }}',
  wait: '${{ matrix.wait }}',
})}${jobSecrets(options, true)}${upload('cxone-exports-apply-${{ matrix.environment }}', [
      ...stateFiles(options),
      'cxone-exports.apply.jsonl',
    ])}`;
  });
  const header = `# Apply on merge to main, every environment side by side (a matrix), each in the GitHub environment of the same
# name, whose secrets CXONE_CLIENT_ID and CXONE_CLIENT_SECRET hold that tenant's credentials.${waves.length > 1 ? `\n# Promotion orders them in ${waves.length} waves: an environment runs after the one it is promoted from.` : ''}
# ${options.backend === 'local' ? 'The state and audit lines are committed back after each run.' : 'The state and audit events live in PostgreSQL (the environment secret CXONE_EXPORTS_PG_URL, the apply role).'}`;
  const on = `  push:
    branches: [main]
    paths:
${DEFINITION_PATHS}`;
  return writing(options, header, 'apply', on, jobs);
}

function refreshWorkflow(options: MatrixWorkflowOptions): string {
  const job = `${matrixJob('refresh', options.environments, 20, 'plan')}${checkout(options)}
${actionStep(options, 'Refresh ${{ matrix.environment }}', 'refresh', {
  command: 'refresh',
  environment: '${{ matrix.environment }}',
})}${jobSecrets(options, false)}`;
  const header = `# Pull completion statuses every hour, where callbacks cannot reach, in every environment side by side.
# ${options.backend === 'local' ? 'The state is committed back after each.' : 'Recorded in PostgreSQL: nothing is committed back.'}`;
  return writing(options, header, 'refresh', "  schedule:\n    - cron: '17 * * * *'", [job]);
}

function scheduleWorkflow(options: MatrixWorkflowOptions): string {
  const job = `${matrixJob('schedule', options.environments, 30, 'schedule')}${checkout(options)}
${actionStep(options, 'Apply what is due in ${{ matrix.environment }}', 'schedule', {
  command: 'schedule',
  environment: '${{ matrix.environment }}',
})}${jobSecrets(options, true)}`;
  const header = `# Run the scheduled exports that are due: an apply every 15 minutes in every environment side by side. A scheduled
# run repeats what is already applied, so the promotion gate does not hold it (docs/guides/schedules-and-freshness.md).
# GitHub starts scheduled workflows late when it is busy; an export's startingDeadline absorbs the delay.`;
  return writing(options, header, 'schedule', "  schedule:\n    - cron: '*/15 * * * *'", [job]);
}

function planWorkflow(options: MatrixWorkflowOptions): string {
  // With the local backend, plans need no secret: one job plans every environment (`--env all`), as for two.
  return options.backend === 'pg' ? planPerEnvironment(options) : chainPlanWorkflow(options);
}

/** With PostgreSQL each environment's state is read with its own secret: a matrix of plans, then one comment. */
function planPerEnvironment(options: MatrixWorkflowOptions): string {
  const entries = options.environments.map((name) => `          - ${name}`).join('\n');
  return `# Plan on every pull request that touches the exports, for every environment (docs/guides/many-tenants.md). Each
# environment's state is in PostgreSQL, read with that environment's secret CXONE_EXPORTS_PG_URL in a matrix job
# of its own GitHub environment; a last job posts one sticky comment with a section per environment.
name: cxone-exports plan

${planFrame(options)}
jobs:
  plan:
    runs-on: ubuntu-latest
    timeout-minutes: 15
    strategy:
      fail-fast: false
      matrix:
        environment:
${entries}
    # <environment>-plan: the plan role's credentials, and no reviewers to ask for every push.
    environment: \${{ matrix.environment }}-plan
    env:
      CXONE_EXPORTS_ENV: \${{ matrix.environment }}
    steps:
      - uses: actions/checkout@v4
${actionStep(options, 'Plan ${{ matrix.environment }}', 'plan', { command: 'plan', environment: '${{ matrix.environment }}', comment: 'false' })}        env:
          CXONE_EXPORTS_PG_URL: \${{ secrets.CXONE_EXPORTS_PG_URL }}

      - name: Upload the plan of \${{ matrix.environment }}
        if: always()
        uses: actions/upload-artifact@v4
        with:
          name: cxone-exports-plan-\${{ matrix.environment }}-\${{ github.event.pull_request.number }}-\${{ github.run_attempt }}
          path: cxone-exports-plan/
          if-no-files-found: warn

${commentJob(options, 'plan', options.environments)}`;
}
