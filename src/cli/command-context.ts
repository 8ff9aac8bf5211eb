// What every command receives: the global options resolved once, and the I/O edges it may touch.

import { resolve } from 'node:path';
import { checkedConfigOf, configOf, readRawConfig } from '../config/load-config.js';
import type { RawConfig } from '../config/parse-config.js';
import type { ProjectConfig } from '../config/project-config.js';
import type { CommandIo } from './command-io.js';
import { colorLevel, createColors } from './color.js';
import type { Colors } from './color.js';
import { createStreamLogger } from './logger.js';
import { isSelection, selectEnvironments } from '../config/environment-selection.js';
import { withSystemdCredentials } from './systemd-credentials.js';
import type { Logger } from './logger.js';

export interface GlobalOptions {
  chdir?: string;
  config?: string;
  color: boolean;
  quiet?: boolean;
  verbose?: boolean;
  /** --env NAME: the environment to work in, or a selection (a list, a pattern, `all`). */
  env?: string;
  /** --max-environments N: refuse a selection of more. */
  maxEnvironments?: number;
}

export interface CommandContext {
  /** The working directory the command works in: where it started, or -C. */
  cwd: string;
  /**
   * What the command line runs against: where it started, its streams (a prompt, a stream of events) and its
   * clock, the one source of time for commands and their operations (the entry point hands down the system's).
   */
  io: CommandIo;
  env: Readonly<Record<string, string | undefined>>;
  colors: Colors;
  logger: Logger;
  /** Loads (once) the project config found from `cwd`, or the `--config` file, for the --env environment. */
  config(): Promise<ProjectConfig>;
  /** The same config for another environment it defines (validate checks them all). */
  configFor(environment: string): Promise<ProjectConfig>;
  /** What --env (or CXONE_EXPORTS_ENV) said: an environment, a selection (a list, a pattern, `all`), or nothing. */
  environmentChoice: string | undefined;
  /** The environments a selection names, in the config's order; undefined when --env names one or none. */
  selection(): Promise<string[] | undefined>;
  /** The same command line's context in one environment of a selection, writing to `io`. */
  forEnvironment(environment: string, io: CommandIo): CommandContext;
}

export function createCommandContext(options: GlobalOptions, io: CommandIo): CommandContext {
  const env = withSystemdCredentials(io.env);
  const cwd = resolve(io.cwd, options.chdir ?? '.');
  const colors = createColors(colorLevel({ colorFlag: options.color, env, isTTY: io.stdout.isTTY === true }));
  const logger = createStreamLogger(
    { quiet: options.quiet === true, verbose: options.verbose === true },
    io.stdout,
    io.stderr,
  );
  let config: Promise<ProjectConfig> | undefined;
  let raw: Promise<RawConfig> | undefined;
  const rawConfig = () => (raw ??= readRawConfig({ cwd, configFile: options.config }));
  const environmentChoice = options.env ?? nonEmpty(env.CXONE_EXPORTS_ENV);
  return {
    cwd,
    io,
    env,
    colors,
    logger,
    config: () =>
      (config ??= rawConfig().then((read) =>
        checkedConfigOf(read, {
          env,
          // A selection is not an environment: the config's top level, and the command works in each in turn.
          environment: isSelection(environmentChoice) ? undefined : environmentChoice,
        }),
      )),
    environmentChoice,
    configFor: (environment) => rawConfig().then((read) => checkedConfigOf(read, { env, environment })),
    selection: async () => {
      if (environmentChoice === undefined || !isSelection(environmentChoice)) return undefined;
      const top = await rawConfig().then((read) => configOf(read, { env, environment: undefined }));
      return selectEnvironments(environmentChoice, top.environment.names, {
        maxEnvironments: options.maxEnvironments ?? top.runs.maxEnvironments,
      });
    },
    forEnvironment: (environment, environmentIo) =>
      createCommandContext({ ...options, env: environment }, environmentIo),
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
