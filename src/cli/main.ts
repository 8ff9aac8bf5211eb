#!/usr/bin/env node
// The CLI entry: the only module that calls process.exit. Everything below throws typed errors instead.

import { CommanderError } from 'commander';
import { CliError, ExitError } from '../errors.js';
import { buildProgram } from './program.js';

async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof ExitError) return error.exitCode;
    // Commander has already printed its own message (or the help or version text).
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 1;
    const { renderError } = await import('./render-error.js');
    process.stderr.write(renderError(error, process.argv.includes('--no-color') ? false : undefined));
    return error instanceof CliError ? error.exitCode : 1;
  }
}

process.exitCode = await main(process.argv);
