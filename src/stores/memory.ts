import type { DedupStore, ReserveOutcome } from '../types/store.js'
import { oldestKeyEvictor } from '../oldest-key.js'

export interface MemoryStoreOptions {
  /**
   * How many events are remembered, at least: keep it above the number of events you receive over the dedup TTL.
   * An event holds one key, or two where the sender signs no id (GitHub, Shopify, Twilio: the id and the replay
   * id), so up to twice as many keys are kept; past that, the key reserved longest ago is evicted. Default 10,000.
   */
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
 * The default dedup store: a bounded map with TTLs, in this process only. Every operation is synchronous, so
 * it is trivially atomic within one process; apps running several processes need a shared store (Redis, PostgreSQL).
 * Memory stays flat: past twice `maxEntries` keys (an event holds at most two) the key reserved longest ago (the
 * least recently used: a key is written when it is reserved, and completed moments later) is evicted. Every
 * operation is O(1).
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
  // Counted in keys: one event's id and replay id are reserved together, so they are also evicted one after the other.
  const maxKeys = 2 * maxEntries
  const now = options.now ?? Date.now
  // A Map iterates in insertion order, and a reservation (re-)inserts its key: the first key is the oldest.
  const entries = new Map<string, Entry>()
  const evictOldest = oldestKeyEvictor(entries)

  function owned(key: string, token: string): boolean {
    const entry = entries.get(key)
    return entry !== undefined && entry.state === 'leased' && entry.token === token
  }

  return {
    reserve(key, token, leaseMs): ReserveOutcome {
      const entry = entries.get(key)
      const at = now()
      if (entry !== undefined) {
        if (entry.expiresAt > at) return entry.state === 'done' ? 'done' : 'in-flight'
        entries.delete(key) // expired: taken over, and moved to the newest end
      }
      entries.set(key, { state: 'leased', token, expiresAt: at + leaseMs })
      if (entries.size > maxKeys) evictOldest()
      return 'reserved'
    },
    complete(key, token, ttlMs) {
      const entry = entries.get(key)
      if (entry === undefined) {
        // Gone from the map (its expired lease evicted, nobody took it over): marked done too, the work is done.
        entries.set(key, { state: 'done', token, expiresAt: now() + ttlMs })
        if (entries.size > maxKeys) evictOldest()
      } else if (entry.state === 'leased' && entry.token === token) {
        // Updated in place: the key keeps its place in the order, and nothing is allocated.
        entry.state = 'done'
        entry.expiresAt = now() + ttlMs
      }
    },
    release(key, token) {
      if (owned(key, token)) entries.delete(key)
    },
    extend(key, token, leaseMs) {
      const entry = entries.get(key)
      if (entry === undefined || entry.state !== 'leased' || entry.token !== token) return false
      entry.expiresAt = now() + leaseMs
      return true
    },
  }
}
