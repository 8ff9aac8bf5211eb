// Group commit of state changes and their audit lines. Changes queued while a write is in progress are written
// together: one audit append (fsynced first), then one durable state patch. Every caller's promise settles only
// when its own change is durable, so "intent before POST" and "200 after the event is on disk" hold.

import type { AuditEvent } from '../audit/audit-event.js';
import type { State } from '../state/state-model.js';
import { GroupCommit } from '../state/group-commit.js';
import { StateConflictError } from '../state/state-errors.js';
import { commitsConcurrently, compactsState } from '../state/state-store.js';
import type { CommitGuard, StateStore } from '../state/state-store.js';

export interface JournalEntry {
  /** The exports `mutate` may set or delete. */
  exports: readonly string[];
  /**
   * Changes the state in place, by replacing or deleting entries (never by editing an entry), and returns the
   * events that explain what it changed. When a conflicting writer makes the batch be made again, it runs again
   * on the new state, and its events are decided again with its change: a change it no longer makes (a receiver
   * recorded the same end first) writes no event, so an execution never gets two end events.
   */
  mutate: (state: State) => AuditEvent[] | void;
  /** Events that stand whatever the state holds (an intent, a note), written before what mutate returns. */
  events: AuditEvent[];
}

export class StateJournal {
  private readonly commits: GroupCommit<JournalEntry, void>;
  private failure: Error | undefined;
  /** How many state writes were made (for the group-commit figure). */
  writes = 0;

  constructor(
    private state: State,
    private readonly store: StateStore,
    /** The lock the journal writes under: each commit checks it still holds (absent: a writer without the lock). */
    private readonly guard?: CommitGuard,
  ) {
    // A failed write (a full disk, a conflict) stops the journal: nothing after it may claim durability.
    this.commits = new GroupCommit(
      (batch) => this.commitBatch(batch),
      (error) => {
        this.failure = error instanceof Error ? error : new Error(String(error));
      },
    );
  }

  /** One export's entry as last written (a copy), or undefined. */
  entry(name: string): State['exports'][string] | undefined {
    const entry = this.state.exports[name];
    return entry === undefined ? undefined : structuredClone(entry);
  }

  get serial(): number {
    return this.state.serial;
  }

  commit(entry: JournalEntry): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return this.commits.submit(entry);
  }

  /** Waits for everything committed so far. */
  drain(): Promise<void> {
    return this.commits.drain();
  }

  /**
   * Waits for everything, then folds the logged changes into one complete stored state. Throws when any write
   * failed, so a run that could not persist never reports success.
   */
  async close(): Promise<void> {
    await this.drain();
    if (this.failure !== undefined) throw this.failure;
    if (compactsState(this.store)) await this.store.compact();
  }

  private async commitBatch(batch: JournalEntry[]): Promise<void[]> {
    if (this.failure !== undefined) throw this.failure;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.commitOnce(batch);
      } catch (error) {
        if (!(error instanceof StateConflictError) || !commitsConcurrently(this.store) || attempt >= 5) throw error;
        // A receiver changed an entry of this batch first: the batch is made again on what it wrote.
        const { state } = await this.store.read();
        if (state.lineage !== this.state.lineage) throw error;
        this.state = state;
      }
    }
  }

  private async commitOnce(batch: JournalEntry[]): Promise<void[]> {
    const next: State = { ...this.state, exports: { ...this.state.exports } };
    // One commit: the batch's audit events and its entries, together (the store keeps events first).
    const events = batch.flatMap((entry) => [...entry.events, ...(entry.mutate(next) ?? [])]);
    const touched = [...new Set(batch.flatMap((entry) => entry.exports))];
    const set = Object.fromEntries(
      touched.filter((name) => next.exports[name] !== undefined).map((name) => [name, next.exports[name]!]),
    );
    const remove = touched.filter((name) => next.exports[name] === undefined);
    const serial = await this.store.commit(
      { lineage: this.state.lineage, set, remove, events },
      this.state.serial,
      this.guard,
    );
    if (serial === this.state.serial + (touched.length > 0 ? 1 : 0)) this.state = { ...next, serial };
    // Others committed in between (receivers beside apply, on a backend that allows it): their entries are read,
    // so the next batch is decided on what they wrote, never on an entry this journal holds from before.
    else this.state = (await this.store.read()).state;
    if (touched.length > 0) this.writes++;
    return batch.map(() => undefined);
  }
}
