// A config that defines environments never has a current one: every command that reads a state or calls CXone
// is told which, with --env NAME or CXONE_EXPORTS_ENV, or it stops before anything is read or written.

import type { ProjectConfig } from '../config/project-config.js';
import { UsageError } from '../errors.js';

export function requireEnvironment(config: ProjectConfig): ProjectConfig {
  const { name, names } = config.environment;
  if (name !== undefined) return config;
  throw new UsageError(`this config defines the environments ${names.join(', ')}; say which one with --env`, {
    hint: `For example: cxone-exports --env ${names[0]!} plan. Nothing was read or written. There is no current environment, on purpose: each command names its own.`,
  });
}
