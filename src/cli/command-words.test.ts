import { describe, expect, it } from 'vitest';
import { COMMAND_WORDS, commandWordOf } from './command-words.js';
import { buildProgram } from './program.js';

describe('command words', () => {
  it('are the first words of the program commands, in order', () => {
    expect(COMMAND_WORDS).toEqual(buildProgram().commands.map((command) => command.name()));
  });

  it('name the command of a command line, wherever its global options are', () => {
    expect(commandWordOf(['--env', 'prod', 'plan', '--out', 'plan.json'])).toBe('plan');
    expect(commandWordOf(['-C', 'repo', 'state', 'list'])).toBe('state');
    expect(commandWordOf(['--version'])).toBe('cli');
    expect(commandWordOf([])).toBe('cli');
  });
});
