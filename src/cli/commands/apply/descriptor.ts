// `cxone-exports apply [PLANFILE]`: its flags; what it does is in ./run.ts, loaded when it runs.

import { Option } from 'commander';
import type { CommandDescriptor } from '../../command-descriptor.js';
import type { ApplyOptions } from './run.js';
import { integerOption } from '../../option-parsers.js';

export const applyCommand: CommandDescriptor<ApplyOptions> = {
  path: ['apply'],
  // Checked by the run itself, after a saved plan had its say: it names the environment it was made for.
  needsEnvironment: false,
  acrossEnvironments: true,
  description: "submit the executions the plan needs, within CXone's limits, recording every step",
  examples: [
    { command: 'cxone-exports --env sandbox apply', does: 'show the plan, ask, then submit' },
    { command: 'cxone-exports --env sandbox apply sandbox.plan.json', does: 'run exactly a saved plan' },
    { command: 'cxone-exports apply --auto-approve --wait', does: 'submit without asking, and wait for the ends' },
    {
      command: "cxone-exports --env 'acme-*' apply --auto-approve --report run.json",
      does: 'every acme environment side by side (production after its sandbox), a summary, and a JSON report',
    },
  ],
  arguments: [{ name: '[planfile]', description: 'a plan saved with plan --out; it is refused if stale' }],
  options: [
    new Option('--auto-approve', 'do not ask for approval'),
    new Option('--target <name...>', 'apply only these exports (names or globs)').default([]),
    new Option('--replace <name...>', 'submit these exports even if unchanged (names or globs)').default([]),
    new Option('--concurrency <n>', 'data actions submitted at once (default: apply.concurrency)').argParser(
      integerOption(1, 64),
    ),
    new Option('--lock-timeout <duration>', 'wait this long for the state lock (e.g. 30s, 5m)'),
    new Option('--wait', 'poll until the submitted executions finish'),
    new Option(
      '--schedule-only',
      'send only the due runs of definitions already applied; every other change waits for a reviewed apply',
    ),
    new Option('--wait-timeout <duration>', 'give up waiting after this long').default('30m'),
    new Option('--json', 'one JSON event per line instead of progress output'),
    new Option('--parallel <n>', 'across several environments: how many at once (default: runs.parallel)').argParser(
      integerOption(1, 64),
    ),
    new Option('--report <file>', 'write a JSON report of the run (schemas/run-report.schema.json)'),
    new Option(
      '--ignore-promotion',
      'submit what the promotion gate holds back; each intent line in the audit says so',
    ),
    new Option(
      '--override-policy <name>',
      'let one approval rule through without its approval (never a deny rule); needs --reason, and both are audited',
    ),
    new Option('--reason <text>', 'why --override-policy is used: written to the audit with who ran it'),
    new Option(
      '--allow-loopback-callbacks',
      'submit callback URLs on this machine even though apiUrl is a remote CXone',
    ),
  ],
  run: async (ctx, [planFile], options) =>
    (await import('./run.js')).apply(ctx, planFile as string | undefined, options),
};
