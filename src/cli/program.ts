// Commander wiring. Command modules load lazily, so `--help`, `--version` and `validate` start fast.

import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { UsageError } from '../errors.js';
import { toolVersion } from '../version.js';
import type { CommandContext, GlobalOptions } from './command-context.js';

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
      if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`-C ${globals.chdir}: no such directory`, { hint: 'Pass an existing directory to -C/--chdir.' });
    }
    const { createCommandContext } = await import('./command-context.js');
    return createCommandContext(globals);
  };

  program
    .command('validate')
    .description('check export definitions against the schema and the CXone contract; needs no credentials')
    .argument('[paths...]', 'files or directories to check (default: exportsDir from the config)')
    .addOption(new Option('--format <format>', 'output format').choices(['human', 'json', 'github']))
    .action(async (paths: string[], options: { format?: 'human' | 'json' | 'github' }, command: Command) => {
      const { validateCommand } = await import('./commands/validate.js');
      await validateCommand(await context(command), paths, options);
    });

  return program;
}
