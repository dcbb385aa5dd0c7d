/**
 * memoryStore: the shared DedupStore contract, then what only the memory store has: the maxEntries bound and its
 * eviction order (by reservation), the injected clock, and option validation.
 */
import { describe, expect, it } from 'vitest'
import { memoryStore } from '../../src/index.js'
import { storeContract } from './contract.js'

const store = memoryStore()
storeContract('memoryStore', () => store)

/** A clock the test moves by hand. */
function clock(start = 0) {
  let now = start
  return { now: () => now, advance: (ms: number) => void (now += ms) }
}

describe('memoryStore: what only the memory store has', () => {
  it('forgets the oldest reserved key past maxEntries, and keeps the others', () => {
    const store = memoryStore({ maxEntries: 2 })
    for (const key of ['a', 'b', 'c']) {
      store.reserve(key, 't', 60_000)
      store.complete(key, 't', 60_000)
    }
    expect(store.reserve('b', 'x', 1000)).toBe('done')
    expect(store.reserve('c', 'x', 1000)).toBe('done')
    expect(store.reserve('a', 'x', 1000)).toBe('reserved')
  })

  it('evicts by reservation order: completing a key does not move it', () => {
    const store = memoryStore({ maxEntries: 3 })
    for (const key of ['a', 'b', 'c']) store.reserve(key, 't', 60_000)
    store.complete('a', 't', 60_000) // completed in place: still the oldest reservation
    store.reserve('d', 't', 60_000) // one over the bound: 'a' goes
    expect(store.reserve('b', 'x', 1000)).toBe('in-flight')
    expect(store.reserve('c', 'x', 1000)).toBe('in-flight')
    expect(store.reserve('d', 'x', 1000)).toBe('in-flight')
    expect(store.reserve('a', 'x', 1000)).toBe('reserved')
  })

  it('keeps exactly the newest maxEntries keys through many evictions', () => {
    const store = memoryStore({ maxEntries: 100 })
    for (let i = 0; i < 50_000; i++) {
      store.reserve(`k${i}`, 't', 60_000)
      store.complete(`k${i}`, 't', 60_000)
    }
    expect(store.reserve('k49999', 'x', 1000)).toBe('done')
    expect(store.reserve('k49900', 'x', 1000)).toBe('done')
    expect(store.reserve('k49899', 'x', 1000)).toBe('reserved')
  })

  it('counts an expired lease taken over as the newest key', () => {
    const time = clock()
    const store = memoryStore({ maxEntries: 3, now: time.now })
    store.reserve('a', 't', 10)
    time.advance(20)
    store.reserve('b', 't', 60_000)
    store.reserve('c', 't', 60_000)
    expect(store.reserve('a', 'u', 60_000)).toBe('reserved')
    store.reserve('d', 't', 60_000) // evicts b, now the oldest
    expect(store.reserve('a', 'x', 1000)).toBe('in-flight')
    expect(store.reserve('c', 'x', 1000)).toBe('in-flight')
    expect(store.reserve('b', 'x', 1000)).toBe('reserved')
  })

  it('expires completed keys and leases on its own clock (the now option), not the wall clock', () => {
    const time = clock(1_000_000)
    const store = memoryStore({ now: time.now })
    store.reserve('done', 'a', 1000)
    store.complete('done', 'a', 5000)
    store.reserve('leased', 'a', 1000)
    time.advance(999)
    expect(store.reserve('leased', 'b', 1000)).toBe('in-flight')
    time.advance(1) // the lease's 1000 ms are over
    expect(store.reserve('leased', 'b', 1000)).toBe('reserved')
    time.advance(3999)
    expect(store.reserve('done', 'b', 1000)).toBe('done')
    time.advance(1) // the TTL's 5000 ms are over
    expect(store.reserve('done', 'b', 1000)).toBe('reserved')
  })

  it('rejects a maxEntries that is not a positive whole number', () => {
    expect(() => memoryStore({ maxEntries: 0 })).toThrow(TypeError)
    expect(() => memoryStore({ maxEntries: -1 })).toThrow(TypeError)
    expect(() => memoryStore({ maxEntries: 1.5 })).toThrow(/positive whole number/)
    expect(() => memoryStore({ maxEntries: Number.NaN })).toThrow(/positive whole number/)
    expect(() => memoryStore({ maxEntries: 1 })).not.toThrow()
  })
})
