import { oldestKeyEvictor } from './oldest-key.js'

/**
 * A map bounded in size that forgets its least recently used entry first, and, with `ttlMs`, entries older than
 * that on `now`'s clock. Every operation is O(1) (amortised for eviction): a JavaScript `Map` keeps insertion order,
 * so moving an entry to the end on each hit makes its first key the least recently used.
 */
export interface LruCache<V> {
  get(key: string): V | undefined
  set(key: string, value: V): void
  delete(key: string): void
  clear(): void
  readonly size: number
}

export interface LruCacheOptions {
  /** Most entries kept. */
  max: number
  /** How long an entry is served after it was set, in ms. Default: until it is evicted. */
  ttlMs?: number
  /** Clock in ms. Default `Date.now`. */
  now?: () => number
}

export function createLruCache<V>({ max, ttlMs, now = Date.now }: LruCacheOptions): LruCache<V> {
  const entries = new Map<string, { value: V; expires: number }>()
  const evictOldest = oldestKeyEvictor(entries)
  return {
    get(key) {
      const entry = entries.get(key)
      if (entry === undefined) return undefined
      entries.delete(key)
      if (ttlMs !== undefined && now() >= entry.expires) return undefined
      entries.set(key, entry)
      return entry.value
    },
    set(key, value) {
      entries.delete(key)
      entries.set(key, { value, expires: ttlMs === undefined ? Infinity : now() + ttlMs })
      if (entries.size > max) evictOldest()
    },
    delete(key) {
      entries.delete(key)
    },
    clear() {
      entries.clear()
    },
    get size() {
      return entries.size
    },
  }
}
