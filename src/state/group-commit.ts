// Group commit: items submitted while a batch is being made durable wait, and go together in the next batch.
// One fsync serves many callers, and each caller's promise settles only when its own item is durable.

interface Waiting<Item, Result> {
  item: Item;
  resolve: (result: Result) => void;
  reject: (error: unknown) => void;
}

export class GroupCommit<Item, Result> {
  private queue: Waiting<Item, Result>[] = [];
  private flushing: Promise<void> | undefined;

  /**
   * `commitBatch` makes a batch durable and returns one result per item, in order. When it throws, every item
   * of the batch is rejected with the error and `onFailure` hears of it.
   */
  constructor(
    private readonly commitBatch: (items: Item[]) => Promise<Result[]>,
    private readonly onFailure: (error: unknown) => void = () => undefined,
  ) {}

  submit(item: Item): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.flushing ??= this.flushLoop();
    });
  }

  /** Items submitted since the batch being made durable began: the next batch. */
  get waiting(): number {
    return this.queue.length;
  }

  /** Waits until everything submitted so far has settled. */
  async drain(): Promise<void> {
    while (this.flushing !== undefined) await this.flushing;
  }

  private async flushLoop(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue;
        this.queue = [];
        try {
          const results = await this.commitBatch(batch.map((waiting) => waiting.item));
          batch.forEach((waiting, i) => waiting.resolve(results[i]!));
        } catch (error) {
          this.onFailure(error);
          for (const waiting of batch) waiting.reject(error);
        }
      }
    } finally {
      this.flushing = undefined;
    }
  }
}
