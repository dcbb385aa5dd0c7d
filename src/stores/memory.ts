import type { DedupStore, ReserveOutcome } from '../types.js'

export interface MemoryStoreOptions {
  /** Most keys kept; the least recently used is evicted past it. Default 10,000. */
  maxEntries?: number
  /** Clock in ms, for tests. Default `Date.now`. */
  now?: () => number
}

interface Entry {
  state: 'leased' | 'done'
  token: string
  /** Lease end for `leased`, TTL end for `done` (ms). */
  expiresAt: number
}

/**
 * The default dedup store: a bounded LRU map with TTLs, in this process only. Every operation is synchronous, so
 * it is trivially atomic within one process; apps running several processes need a shared store (Redis, PostgreSQL).
 * Memory stays flat: past `maxEntries` the least recently used key is evicted.
 *
 * @example
 * ```ts
 * const receiver = createReceiver({ provider, store: memoryStore({ maxEntries: 50_000 }) })
 * ```
 */
export function memoryStore(options: MemoryStoreOptions = {}): DedupStore {
  const maxEntries = options.maxEntries ?? 10_000
  if (!Number.isInteger(maxEntries) || maxEntries < 1) {
    throw new TypeError(
      `memoryStore({ maxEntries }): expected a positive whole number, got ${String(maxEntries)}.`,
    )
  }
  const now = options.now ?? Date.now
  // A Map iterates in insertion order: re-inserting on every write keeps the oldest entry first, which is the LRU.
  const entries = new Map<string, Entry>()

  function put(key: string, entry: Entry): void {
    entries.delete(key)
    entries.set(key, entry)
    if (entries.size > maxEntries) entries.delete(entries.keys().next().value as string)
  }

  function owned(key: string, token: string): boolean {
    const entry = entries.get(key)
    return entry !== undefined && entry.state === 'leased' && entry.token === token
  }

  return {
    reserve(key, token, leaseMs): ReserveOutcome {
      const entry = entries.get(key)
      const at = now()
      if (entry !== undefined && entry.expiresAt > at) return entry.state === 'done' ? 'done' : 'in-flight'
      put(key, { state: 'leased', token, expiresAt: at + leaseMs })
      return 'reserved'
    },
    complete(key, token, ttlMs) {
      // A key gone from the map (its expired lease evicted, nobody took it over) is marked done too: the work is done.
      if (owned(key, token) || !entries.has(key)) put(key, { state: 'done', token, expiresAt: now() + ttlMs })
    },
    release(key, token) {
      if (owned(key, token)) entries.delete(key)
    },
  }
}
