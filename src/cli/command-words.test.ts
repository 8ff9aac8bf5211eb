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

  it('give a help page a word of its own, so its short profile never stands in for the command', () => {
    expect(commandWordOf(['validate', '--help'])).toBe('validate-help');
    expect(commandWordOf(['-h'])).toBe('cli-help');
  });
});
