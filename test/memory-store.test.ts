import { describe, expect, it } from 'vitest'
import { memoryStore } from '../src/index.js'

function clock(start = 0) {
  let now = start
  return { now: () => now, advance: (ms: number) => void (now += ms) }
}

describe('memoryStore', () => {
  it('reserves a new key, then reports it in flight to another token', () => {
    const store = memoryStore()
    expect(store.reserve('k', 'a', 1000)).toBe('reserved')
    expect(store.reserve('k', 'b', 1000)).toBe('in-flight')
  })

  it('reports done after complete, until the TTL passes', () => {
    const time = clock()
    const store = memoryStore({ now: time.now })
    store.reserve('k', 'a', 1000)
    store.complete('k', 'a', 5000)
    expect(store.reserve('k', 'b', 1000)).toBe('done')
    time.advance(5001)
    expect(store.reserve('k', 'b', 1000)).toBe('reserved')
  })

  it('lets a retry reserve again after release', () => {
    const store = memoryStore()
    store.reserve('k', 'a', 1000)
    store.release('k', 'a')
    expect(store.reserve('k', 'b', 1000)).toBe('reserved')
  })

  it('lets another token take over once the lease expires', () => {
    const time = clock()
    const store = memoryStore({ now: time.now })
    store.reserve('k', 'a', 1000)
    time.advance(1001)
    expect(store.reserve('k', 'b', 1000)).toBe('reserved')
  })

  it('ignores complete and release from a token that lost its lease', () => {
    const time = clock()
    const store = memoryStore({ now: time.now })
    store.reserve('k', 'a', 1000)
    time.advance(1001)
    store.reserve('k', 'b', 1000)
    store.complete('k', 'a', 60_000)
    expect(store.reserve('k', 'c', 1000)).toBe('in-flight')
    store.release('k', 'a')
    expect(store.reserve('k', 'c', 1000)).toBe('in-flight')
    store.complete('k', 'b', 60_000)
    expect(store.reserve('k', 'c', 1000)).toBe('done')
  })

  it('forgets the least recently used key past maxEntries', () => {
    const store = memoryStore({ maxEntries: 2 })
    for (const key of ['a', 'b', 'c']) {
      store.reserve(key, 't', 60_000)
      store.complete(key, 't', 60_000)
    }
    expect(store.reserve('b', 'x', 1000)).toBe('done')
    expect(store.reserve('c', 'x', 1000)).toBe('done')
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

  it('rejects a maxEntries that is not a positive whole number', () => {
    expect(() => memoryStore({ maxEntries: 0 })).toThrow(TypeError)
    expect(() => memoryStore({ maxEntries: 1.5 })).toThrow(/positive whole number/)
  })
})
