// A command as the program sees it: its name, words, arguments and flags, declared in the command's own module
// beside its options type, and a `run` that loads what the command needs only when it runs (so `--help` and
// `validate` start fast).

import type { Option } from 'commander';
import type { CommandContext } from './command-context.js';

export interface ArgumentSpec {
  /** commander's syntax: `<name>` required, `[name]` optional, `[name...]` variadic. */
  name: string;
  description?: string;
}

export interface CommandDescriptor<Options = Record<string, never>> {
  /** The words after `cxone-exports`, e.g. ['state', 'rm']. */
  path: readonly string[];
  description: string;
  hidden?: boolean;
  /** Reads a state or calls CXone: with environments defined, refused before anything else unless --env names one. */
  needsEnvironment?: boolean;
  /**
   * Works across a selection of environments (`--env all`, `acme-*`, `a,b`): validate and plan, which only read,
   * and apply, refresh and status, which run each selected environment side by side.
   */
  acrossEnvironments?: boolean;
  arguments?: readonly ArgumentSpec[];
  options?: readonly Option[];
  /** Exit codes of its own, beside the common ones (cli/exit-codes.ts). */
  exitCodes?: Readonly<Record<number, string>>;
  /** Command lines worth copying, each with what it does; the reference shows them. */
  examples?: readonly { command: string; does: string }[];
  /** `args` are the positional arguments, as commander parsed them (a variadic one is an array). */
  run(ctx: CommandContext, args: readonly unknown[], options: Options): Promise<void>;
}
