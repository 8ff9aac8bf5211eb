// Commander wiring. Command modules load lazily, so `--help`, `--version` and `validate` start fast.

import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { UsageError } from '../errors.js';
import { toolVersion } from '../version.js';
import type { CommandContext, GlobalOptions } from './command-context.js';
import type { ApplyOptions } from './commands/apply.js';
import type { PlanCommandOptions } from './commands/plan.js';
import type { ServeOptions } from './commands/serve.js';
import type { SimOptions } from './commands/sim.js';
import { collect, fractionOption, integerOption, positiveNumberOption } from './option-parsers.js';

export function buildProgram(): Command {
  const program = new Command('cxone-exports')
    .description('Config as code for NICE CXone Data Action CSV exports: validate, plan and apply them like Terraform.')
    .version(toolVersion(), '--version', 'print the version')
    .option('-C, --chdir <dir>', 'run as if started in <dir>')
    .option('--config <file>', 'use this config file instead of searching for cxone-exports.config.*')
    .option('--no-color', 'disable coloured output (NO_COLOR and FORCE_COLOR are honoured too)')
    .option('-q, --quiet', 'print only results and errors')
    .option('-v, --verbose', 'print debug detail on stderr')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

  // Config, colour and logging load only when a command runs, not for --help or --version.
  const context = async (command: Command): Promise<CommandContext> => {
    const globals = command.optsWithGlobals<GlobalOptions>();
    if (globals.chdir !== undefined) {
      const dir = resolve(globals.chdir);
      if (!existsSync(dir) || !statSync(dir).isDirectory())
        throw new UsageError(`-C ${globals.chdir}: no such directory`, {
          hint: 'Pass an existing directory to -C/--chdir.',
        });
    }
    const { createCommandContext } = await import('./command-context.js');
    return createCommandContext(globals);
  };

  program
    .command('init')
    .description('set up an exports repository: workflows, merge rules, a commented config and an example export')
    .action(async (_options: unknown, command: Command) => {
      const { initCommand } = await import('./commands/init.js');
      await initCommand(await context(command));
    });

  program
    .command('validate')
    .description('check export definitions against the schema and the CXone contract; needs no credentials')
    .argument('[paths...]', 'files or directories to check (default: exportsDir from the config)')
    .addOption(
      new Option(
        '--format <format>',
        'output format (markdown: the pull-request comment that replaces the plan)',
      ).choices(['human', 'json', 'github', 'markdown']),
    )
    .action(
      async (paths: string[], options: { format?: 'human' | 'json' | 'github' | 'markdown' }, command: Command) => {
        const { validateCommand } = await import('./commands/validate.js');
        await validateCommand(await context(command), paths, options);
      },
    );

  program
    .command('plan')
    .description('show what apply would submit, compared with the state; needs no credentials or network')
    .option('--out <file>', 'save the plan, so apply runs exactly it')
    .option('--json', 'print the plan as JSON (schemas/plan.schema.json)')
    .option('--markdown', 'print the plan as Markdown for a pull-request comment')
    .option('--detailed-exitcode', 'exit 0 with no changes, 2 with changes, 1 on error')
    .option('--target <name...>', 'plan only these exports (names or globs)', [])
    .option('--replace <name...>', 'submit these exports even if unchanged (names or globs)', [])
    .action(async (options: PlanCommandOptions, command: Command) => {
      const { planCommand } = await import('./commands/plan.js');
      await planCommand(await context(command), options);
    });

  program
    .command('apply')
    .description("submit the executions the plan needs, within CXone's limits, recording every step")
    .argument('[planfile]', 'a plan saved with plan --out; it is refused if stale')
    .option('--auto-approve', 'do not ask for approval')
    .option('--target <name...>', 'apply only these exports (names or globs)', [])
    .option('--replace <name...>', 'submit these exports even if unchanged (names or globs)', [])
    .option('--concurrency <n>', 'data actions submitted at once (default: apply.concurrency)', integerOption(1, 64))
    .option('--lock-timeout <duration>', 'wait this long for the state lock (e.g. 30s, 5m)')
    .option('--wait', 'poll until the submitted executions finish')
    .option('--wait-timeout <duration>', 'give up waiting after this long', '30m')
    .option('--json', 'one JSON event per line instead of progress output')
    .option('--allow-loopback-callbacks', 'submit callback URLs on this machine even though apiUrl is a remote CXone')
    .action(async (planfile: string | undefined, options: ApplyOptions, command: Command) => {
      const { applyCommand } = await import('./commands/apply.js');
      await applyCommand(await context(command), planfile, options);
    });

  program
    .command('refresh')
    .description('poll the status of unfinished executions and record those that ended')
    .option('--lock-timeout <duration>', 'wait this long for the state lock (e.g. 30s, 5m)')
    .option('--json', 'one JSON event per line')
    .action(async (options: { lockTimeout?: string; json?: boolean }, command: Command) => {
      const { refreshCommand } = await import('./commands/refresh.js');
      await refreshCommand(await context(command), options);
    });

  program
    .command('serve')
    .description("receive CXone's completion callbacks, with /healthz and /metrics")
    .option('--host <host>', 'address to listen on (default: callbacks.host, 127.0.0.1)')
    .option('--port <port>', 'port (default: callbacks.port, 8080)', integerOption(0, 65535))
    .option('--tls-cert <file>', 'serve HTTPS with this certificate (PEM)')
    .option('--tls-key <file>', 'and this private key (PEM)')
    .option('--insecure-no-auth', 'allow a non-loopback address without callback authentication')
    .option('--lock-timeout <duration>', 'how long an event batch waits for the state lock', '30s')
    .option(
      '--shutdown-timeout <duration>',
      'on SIGTERM, how long requests in flight may take before they are cut',
      '10s',
    )
    .action(async (options: ServeOptions, command: Command) => {
      const { serveCommand } = await import('./commands/serve.js');
      await serveCommand(await context(command), options);
    });

  program
    .command('status')
    .description('last execution per export; completion rate and latency over a window')
    .option('--json', 'print JSON')
    .option('--since <duration>', 'only executions that ended within this window (e.g. 24h, 7d is 168h)')
    .action(async (options: { json?: boolean; since?: string }, command: Command) => {
      const { statusCommand } = await import('./commands/status.js');
      await statusCommand(await context(command), options);
    });

  const state = program.command('state').description('look at and repair the state by hand');
  state
    .command('list')
    .description('every export in the state: last action, last execution status, and when')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const { stateListCommand } = await import('./commands/state.js');
      await stateListCommand(await context(command), options);
    });
  state
    .command('show')
    .description("one export's full state entry")
    .argument('<name>', 'export name')
    .option('--json', 'print JSON')
    .action(async (name: string, options: { json?: boolean }, command: Command) => {
      const { stateShowCommand } = await import('./commands/state.js');
      await stateShowCommand(await context(command), name, options);
    });
  state
    .command('rm')
    .description('forget an export (under the lock, audited); CXone is not called')
    .argument('<name>', 'export name')
    .option('--lock-timeout <duration>', 'wait this long for the state lock (e.g. 30s, 5m)')
    .action(async (name: string, options: { lockTimeout?: string }, command: Command) => {
      const { stateRmCommand } = await import('./commands/state.js');
      await stateRmCommand(await context(command), name, options);
    });
  state
    .command('unlock')
    .description('release a lock left behind by a command that is gone (only the lock with this id)')
    .argument('<lockId>', 'the id printed in the lock message')
    .action(async (lockId: string, _options: unknown, command: Command) => {
      const { stateUnlockCommand } = await import('./commands/state.js');
      await stateUnlockCommand(await context(command), lockId);
    });

  state
    .command('merge', { hidden: true })
    .description("Git's merge driver for state.json: cxone-exports state merge %O %A %B")
    .argument('<base>')
    .argument('<ours>')
    .argument('<theirs>')
    .action(async (base: string, ours: string, theirs: string, _options: unknown, command: Command) => {
      const { stateMergeCommand } = await import('./commands/state.js');
      await stateMergeCommand(await context(command), base, ours, theirs);
    });

  program
    .command('sim')
    .description('run the embedded CXone simulator on loopback; prints the environment to use against it')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port (0 picks a free one)', integerOption(0, 65535), 0)
    .option('--rate-limit <n>', 'tenant quota in requests per second (429 beyond it)', positiveNumberOption)
    .option('--burst <n>', 'requests allowed at once before the quota applies', integerOption(1))
    .addOption(
      new Option('--retry-after <form>', 'how 429s carry Retry-After')
        .choices(['seconds', 'date', 'none'])
        .default('seconds'),
    )
    .option('--fail-rate <fraction>', 'answer this fraction of API requests with a 5xx', fractionOption)
    .option('--fail-first <n>', 'answer the first N API requests with a 5xx', integerOption(0))
    .option('--fail-status <status>', 'the 5xx status to answer', integerOption(500, 599), 503)
    .option('--latency <ms>', 'delay every API answer', integerOption(0))
    .option('--drop-rate <fraction>', 'drop this fraction of API connections without an answer', fractionOption)
    .option('--drop-first <n>', 'drop the first N API connections', integerOption(0))
    .option('--token-ttl <seconds>', 'lifetime of issued tokens', integerOption(1), 3600)
    .option('--seed <n>', 'seed of the random source, so runs repeat', integerOption(0), 1)
    .option('--forbid <dataActionId>', 'answer 403 for this data action (repeatable)', collect, [])
    .option('--unknown <dataActionId>', 'answer 404 for this data action (repeatable)', collect, [])
    .option(
      '--unknown-dataset <datasetId>',
      'answer 400 for this dataset, as not active in Data Prep (repeatable)',
      collect,
      [],
    )
    .option('--no-status-endpoint', 'answer 405 to status lookups, like an API without them')
    .option('--min-duration <ms>', 'shortest execution', integerOption(0), 200)
    .option('--ms-per-million-rows <ms>', 'execution time added per million maxRows', integerOption(0), 1000)
    .option('--execution-failure-rate <fraction>', 'fraction of executions that end failed', fractionOption, 0)
    .action(async (options: SimOptions, command: Command) => {
      const { simCommand } = await import('./commands/sim.js');
      await simCommand(await context(command), options);
    });

  return program;
}
