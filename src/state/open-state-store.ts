// The state store a project uses, chosen by the config's `backend.type` (the schema refuses unknown types, with
// their position in the config file).

import { relative } from 'node:path';
import type { ProjectConfig } from '../config/project-config.js';
import { LocalFileStore } from './local-file-store.js';
import type { StateStore } from './state-store.js';

export function openStateStore(config: Pick<ProjectConfig, 'stateDir' | 'backend'>, cwd: string): StateStore {
  switch (config.backend.type) {
    case 'local': {
      const displayDir = relative(cwd, config.stateDir).split('\\').join('/') || '.';
      return new LocalFileStore({ stateDir: config.stateDir, displayDir });
    }
  }
}
