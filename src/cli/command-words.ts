// The first word of every command line the CLI takes (the command, or the group of a subcommand), for the
// launcher, which keys its code cache by it before the CLI itself is loaded. A test keeps it equal to the
// program's own list.

export const COMMAND_WORDS: readonly string[] = [
  'init',
  'validate',
  'plan',
  'apply',
  'refresh',
  'serve',
  'status',
  'state',
  'audit',
  'backend',
  'sim',
];

/**
 * The command word of a command line (`cxone-exports --env prod plan` is `plan`); `cli` when there is none. A
 * help page runs little of its command, so it has a word of its own (`plan-help`): its short profile never
 * stands in for the command's.
 */
export function commandWordOf(args: readonly string[]): string {
  const word = args.find((arg) => COMMAND_WORDS.includes(arg)) ?? 'cli';
  return args.includes('--help') || args.includes('-h') ? `${word}-help` : word;
}
