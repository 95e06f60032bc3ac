/**
 * A small in-memory read-through cache with a time to live, per container. Hot items (the live episode) are read
 * by every request; caching them for a second keeps those reads off the table's single hot partition.
 * Concurrent misses for the same key share one load.
 */
export interface CacheEntry<V> {
  value: V;
  loadedAt: number;
}

export class TtlCache<V> {
  private readonly entries = new Map<string, CacheEntry<V>>();
  private readonly inflight = new Map<string, Promise<CacheEntry<V>>>();

  constructor(
    private readonly ttlMs: number,
    private readonly load: (key: string) => Promise<V>,
    private readonly clock: () => number = Date.now,
    private readonly maxEntries = 1000,
  ) {}

  /** The cached value if younger than `maxAgeMs` (default: the cache's TTL), else a fresh load. */
  async get(key: string, maxAgeMs = this.ttlMs): Promise<CacheEntry<V>> {
    const hit = this.entries.get(key);
    if (hit && this.clock() - hit.loadedAt < Math.min(maxAgeMs, this.ttlMs)) return hit;
    const pending = this.inflight.get(key);
    if (pending) return pending;
    const loading = this.load(key)
      .then((value) => {
        const entry = { value, loadedAt: this.clock() };
        if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
        this.entries.set(key, entry);
        return entry;
      })
      .finally(() => this.inflight.delete(key));
    this.inflight.set(key, loading);
    return loading;
  }

  clear(): void {
    this.entries.clear();
  }
}
