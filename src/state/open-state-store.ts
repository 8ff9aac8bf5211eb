// The state store a project uses. Today that is always the local file store under stateDir.

import { relative } from 'node:path';
import type { ProjectConfig } from '../config/project-config.js';
import { LocalFileStore } from './local-file-store.js';
import type { StateStore } from './state-store.js';

export function openStateStore(config: Pick<ProjectConfig, 'stateDir'>, cwd: string): StateStore {
  const displayDir = relative(cwd, config.stateDir).split('\\').join('/') || '.';
  return new LocalFileStore({ stateDir: config.stateDir, displayDir });
}
