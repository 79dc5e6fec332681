/**
 * Who a chat identity is and what a group's scope is change rarely but are read for every message:
 * keep them a short while in memory. A change made by this process clears them at once;
 * one made by another instance shows within the TTL.
 */
export class TtlCache<V> {
  private readonly map = new Map<string, { value: V; until: number }>()
  constructor(
    private readonly ttlMs: number,
    private readonly max = 10_000,
  ) {}

  get(key: string, now: number): V | undefined {
    const e = this.map.get(key)
    if (!e) return undefined
    if (e.until < now) {
      this.map.delete(key)
      return undefined
    }
    return e.value
  }

  set(key: string, value: V, now: number): void {
    if (this.map.size >= this.max) this.map.delete(this.map.keys().next().value!)
    this.map.set(key, { value, until: now + this.ttlMs })
  }

  delete(key: string): void {
    this.map.delete(key)
  }

  clear(): void {
    this.map.clear()
  }
}

/** Runs tasks one after another per key (a sender in a chat), at most `limit` at once overall. */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>()
  private active = 0
  private readonly waiting: (() => void)[] = []
  constructor(private readonly limit: number) {}

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve()
    const next = prev.then(() => this.slot(task))
    const tail = next.catch(() => undefined)
    this.tails.set(key, tail)
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key)
    })
    return next
  }

  private async slot<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((r) => this.waiting.push(r))
    this.active++
    try {
      return await task()
    } finally {
      this.active--
      this.waiting.shift()?.()
    }
  }
}

/**
 * Group commit: items submitted while batches are being handled are handled together in the next one.
 * At low traffic every item runs alone at once; under a burst batches grow up to `max`, and up to
 * `concurrency` batches run at once so the database's waits overlap with the work of the next batch.
 */
export class Batcher<T, R> {
  private pending: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[] = []
  private active = 0
  constructor(
    private readonly run: (items: T[]) => Promise<R[]>,
    private readonly max = 100,
    private readonly concurrency = 2,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ item, resolve, reject })
      if (this.active < this.concurrency) void this.drain()
    })
  }

  private async drain(): Promise<void> {
    this.active++
    while (this.pending.length) {
      const batch = this.pending.splice(0, this.max)
      try {
        const results = await this.run(batch.map((b) => b.item))
        batch.forEach((b, i) => b.resolve(results[i]))
      } catch (e) {
        for (const b of batch) b.reject(e)
      }
    }
    this.active--
  }
}
