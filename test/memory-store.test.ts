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

  it('rejects a maxEntries that is not a positive whole number', () => {
    expect(() => memoryStore({ maxEntries: 0 })).toThrow(TypeError)
    expect(() => memoryStore({ maxEntries: 1.5 })).toThrow(/positive whole number/)
  })
})
