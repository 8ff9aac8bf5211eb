import { requireEnvironment } from './require-environment.js';
import { isSelection } from '../config/environment-selection.js';
import { createCommandContext } from './command-context.js';
// Commander wiring: the global flags, then one subcommand per descriptor. Each command declares its own flags;
// its module loads its work only when it runs, so `--help`, `--version` and `validate` start fast.

import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { InternalError, UsageError } from '../errors.js';
import type { CommandIo } from './command-io.js';
import { toolVersion } from '../version.js';
import type { CommandDescriptor } from './command-descriptor.js';
import type { CommandContext, GlobalOptions } from './command-context.js';
import { COMMANDS, COMMAND_GROUPS } from './commands/index.js';
import { integerOption } from './option-parsers.js';

/** `io` is what the commands run against; without it (the reference pages, a list of words) nothing runs. */
export function buildProgram(commands: readonly CommandDescriptor<unknown>[] = COMMANDS, io?: CommandIo): Command {
  const program = new Command('cxone-exports')
    .description('Config as code for NICE CXone Data Action CSV exports: validate, plan and apply them like Terraform.')
    .version(toolVersion(), '--version', 'print the version')
    .option('-C, --chdir <dir>', 'run as if started in <dir>')
    .option('--config <file>', 'use this config file instead of searching for cxone-exports.config.*')
    .option(
      '-e, --env <name>',
      "the environment to work in, when the config defines environments (or CXONE_EXPORTS_ENV); for commands that work across several, a comma-separated list, a pattern such as 'acme-*', or all",
    )
    .option(
      '--max-environments <n>',
      'refuse an --env selection of more environments than this (or runs.maxEnvironments)',
      integerOption(1, 1000),
    )
    .option('--no-color', 'disable coloured output (NO_COLOR and FORCE_COLOR are honoured too)')
    .option('-q, --quiet', 'print only results and errors')
    .option('-v, --verbose', 'print debug detail on stderr')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  // Help, the version and commander's own errors go to the command line's streams (subcommands inherit it).
  if (io !== undefined)
    program.configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) });

  const parents = new Map<string, Command>([['', program]]);
  const parentOf = (path: readonly string[]): Command => {
    const key = path.join(' ');
    const known = parents.get(key);
    if (known !== undefined) return known;
    const group = parentOf(path.slice(0, -1))
      .command(path.at(-1)!)
      .description(COMMAND_GROUPS[key] ?? '');
    parents.set(key, group);
    return group;
  };

  for (const descriptor of commands) {
    const command = parentOf(descriptor.path.slice(0, -1))
      .command(descriptor.path.at(-1)!, { hidden: descriptor.hidden === true })
      .description(descriptor.description);
    for (const argument of descriptor.arguments ?? []) command.argument(argument.name, argument.description);
    for (const option of descriptor.options ?? []) command.addOption(option);
    command.action(async (...received: unknown[]) => {
      // commander passes the positional arguments, then the options, then the command itself.
      const self = received.at(-1) as Command;
      if (io === undefined) throw new InternalError('a command ran from a program built without its io');
      const ctx = context(self, io);
      // A selection only for a command that works across environments; nothing else may act on several.
      const selection = isSelection(ctx.environmentChoice);
      if (selection && descriptor.acrossEnvironments !== true)
        throw new UsageError(
          `--env ${ctx.environmentChoice!} selects several environments, which is for ${acrossEnvironmentCommands(commands)}; ${descriptor.path.join(' ')} works in one environment`,
          {
            hint: 'Name the environment: cxone-exports --env sandbox …',
          },
        );
      // What a selection names is settled first: a pattern that matches nothing stops before anything is read.
      if (selection) await ctx.selection();
      else if (descriptor.needsEnvironment === true) requireEnvironment(await ctx.config());
      await descriptor.run(ctx, received.slice(0, -2), received.at(-2));
    });
  }
  return program;
}

/** Config, colour and logging are set up only when a command runs, not for --help or --version. */
function context(command: Command, io: CommandIo): CommandContext {
  const globals = command.optsWithGlobals<GlobalOptions>();
  if (globals.chdir !== undefined) {
    const dir = resolve(io.cwd, globals.chdir);
    if (!existsSync(dir) || !statSync(dir).isDirectory())
      throw new UsageError(`-C ${globals.chdir}: no such directory`, {
        hint: 'Pass an existing directory to -C/--chdir.',
      });
  }
  return createCommandContext(globals, io);
}

/** The commands that take a selection of environments, as a user reads them: `validate, plan and apply`. */
function acrossEnvironmentCommands(commands: readonly CommandDescriptor<unknown>[]): string {
  const names = commands.filter((c) => c.acrossEnvironments === true).map((c) => c.path.join(' '));
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)!}`;
}
