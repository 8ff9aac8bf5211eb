// The promotion gate's rule: an export may be created or updated in an environment once its current definition
// has completed in the environment it is promoted from. Pure: the caller reads that environment's definitions
// (its own merged ones) and its state.

import type { ExportDefinition } from '../definitions/export-definition.js';
import type { State } from '../state/state-model.js';
import type { Promotion } from './plan-changes.js';

export function promotionFrom(
  from: string,
  sourceDefinitions: readonly ExportDefinition[],
  sourceState: State,
  ignore: boolean,
): Promotion {
  const defined = new Set(sourceDefinitions.map((definition) => definition.name));
  const promoted = new Set(
    sourceDefinitions
      .filter((definition) => {
        const last = sourceState.exports[definition.name]?.lastExecution;
        return last?.status === 'completed' && last.definitionHash === definition.definitionHash;
      })
      .map((definition) => definition.name),
  );
  const specs = new Map(sourceDefinitions.map((definition) => [definition.name, definition.spec]));
  return { from, promoted, defined, specs, ignore };
}
