// Seeds a store's state the one way state changes: a commit on the serial read. What was there and is not in
// `exports` is removed, so the store holds exactly these entries.

import type { ExportState, State } from '../../src/state/state-model.js';
import type { StateStore } from '../../src/state/state-store.js';

export async function seedState(store: StateStore, exports: Readonly<Record<string, ExportState>>): Promise<State> {
  const { state } = await store.read();
  const remove = Object.keys(state.exports).filter((name) => !(name in exports));
  await store.commit({ lineage: state.lineage, set: { ...exports }, remove, events: [] }, state.serial);
  return (await store.read()).state;
}
