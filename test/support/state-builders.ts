// Builders for definitions and states as plain objects, made through the real checking code.

import { randomUUID } from 'node:crypto';
import { checkDefinitionFiles } from '../../src/definitions/check-definitions.js';
import type { ExportDefinition } from '../../src/definitions/export-definition.js';
import type { ExportState, LastExecution, State } from '../../src/state/state-model.js';
import type { StateStore } from '../../src/state/state-store.js';
import { definitionYaml, testConfig } from './fixtures.js';

/** One checked definition; `formatLines` go under spec.format. */
export function definition(
  name: string,
  formatLines: string[] = ['maxRows: 1000'],
  extraMetadata: string[] = [],
): ExportDefinition {
  let text = definitionYaml(name, formatLines);
  if (extraMetadata.length > 0)
    text = text.replace(`  name: ${name}\n`, `  name: ${name}\n${extraMetadata.map((l) => `  ${l}`).join('\n')}\n`);
  const set = checkDefinitionFiles([{ file: `exports/${name}.yaml`, text }], testConfig());
  if (set.diagnostics.length > 0) throw new Error(`test definition invalid: ${JSON.stringify(set.diagnostics)}`);
  return set.definitions[0]!;
}

export function execution(status: LastExecution['status'], overrides: Partial<LastExecution> = {}): LastExecution {
  return {
    executionId: status === 'submit-failed' ? null : `exe_${randomUUID()}`,
    status,
    idempotencyKey: randomUUID(),
    definitionHash: overrides.definitionHash ?? `sha256:${'0'.repeat(64)}`,
    submittedAt: '2026-11-27T10:00:00.000Z',
    completedAt: status === 'completed' || status === 'failed' ? '2026-11-27T10:04:10.000Z' : null,
    rowsExported: status === 'completed' ? 100 : null,
    latencyMs: status === 'completed' ? 250_000 : null,
    error: status === 'failed' || status === 'submit-failed' ? 'it failed' : null,
    ...overrides,
  };
}

/** The state entry apply would record for `def` after a completed execution. */
export function appliedEntry(def: ExportDefinition, overrides: Partial<ExportState> = {}): ExportState {
  return {
    definitionHash: def.definitionHash,
    spec: def.spec,
    metadata: def.metadata,
    source: { file: def.source.file, line: def.source.line },
    lastExecution: execution('completed', { definitionHash: def.definitionHash }),
    pending: null,
    ...overrides,
  };
}

export function stateWith(entries: Record<string, ExportState>, serial = 3, lineage = 'lineage-1'): State {
  return { version: 1, lineage, serial, exports: entries };
}

/** `count` exports named `export-<i>`, each with a queued execution `exe-<i>`: what callbacks are recorded against. */
export function queuedExports(count: number): Record<string, ExportState> {
  const exports: Record<string, ExportState> = {};
  for (let i = 0; i < count; i++) {
    const def = definition(`export-${i}`);
    exports[def.name] = appliedEntry(def, {
      lastExecution: execution('queued', { executionId: `exe-${i}`, definitionHash: def.definitionHash }),
    });
  }
  return exports;
}

/** Stores `exports` as a backend's first state, through the one way state changes; returns the serial. */
export async function seedState(store: StateStore, exports: Record<string, ExportState>): Promise<number> {
  const { state } = await store.read();
  return store.commit({ lineage: state.lineage, set: exports, remove: [], events: [] }, state.serial);
}
