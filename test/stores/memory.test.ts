/**
 * memoryStore: the shared DedupStore contract, then what only the memory store has: the maxEntries bound (events,
 * of up to two keys each) and its eviction order (by reservation), the injected clock, and option validation.
 */
import { describe, expect, it } from 'vitest'
import { createReceiver, memoryStore } from '../../src/index.js'
import { github } from '../../src/providers/github.js'
import { signGitHub } from '../../src/testing/index.js'
import { silentLogger } from '../support/helpers.js'
import { storeContract } from './contract.js'

const store = memoryStore()
storeContract('memoryStore', () => store)

/** A clock the test moves by hand. */
function clock(start = 0) {
  let now = start
  return { now: () => now, advance: (ms: number) => void (now += ms) }
}

describe('memoryStore: what only the memory store has', () => {
  it('remembers maxEntries events that hold two keys each (an id and a replay id)', () => {
    const store = memoryStore({ maxEntries: 1_000 })
    for (let i = 0; i < 1_000; i++) {
      for (const key of [`id-${i}`, `replay-${i}`]) {
        store.reserve(key, `t${i}`, 60_000)
        store.complete(key, `t${i}`, 60_000)
      }
    }
    expect(store.reserve('id-0', 'x', 1000)).toBe('done')
    expect(store.reserve('replay-0', 'x', 1000)).toBe('done')
    expect(store.reserve('replay-999', 'x', 1000)).toBe('done')
  })

  it('forgets the oldest reserved key past twice maxEntries keys, and keeps the others', () => {
    const store = memoryStore({ maxEntries: 1 })
    for (const key of ['a', 'b', 'c']) {
      store.reserve(key, 't', 60_000)
      store.complete(key, 't', 60_000)
    }
    expect(store.reserve('b', 'x', 1000)).toBe('done')
    expect(store.reserve('c', 'x', 1000)).toBe('done')
    expect(store.reserve('a', 'x', 1000)).toBe('reserved')
  })

  it('evicts by reservation order: completing a key does not move it', () => {
    const store = memoryStore({ maxEntries: 2 })
    for (const key of ['a', 'b', 'c', 'd']) store.reserve(key, 't', 60_000)
    store.complete('a', 't', 60_000) // completed in place: still the oldest reservation
    store.reserve('e', 't', 60_000) // one over the bound: 'a' goes
    for (const key of ['b', 'c', 'd', 'e']) expect(store.reserve(key, 'x', 1000)).toBe('in-flight')
    expect(store.reserve('a', 'x', 1000)).toBe('reserved')
  })

  it('keeps exactly the newest 2 × maxEntries keys through many evictions', () => {
    const store = memoryStore({ maxEntries: 50 })
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
    const store = memoryStore({ maxEntries: 2, now: time.now })
    store.reserve('a', 't', 10)
    time.advance(20)
    for (const key of ['b', 'c', 'd']) store.reserve(key, 't', 60_000)
    expect(store.reserve('a', 'u', 60_000)).toBe('reserved')
    store.reserve('e', 't', 60_000) // evicts b, now the oldest
    for (const key of ['a', 'c', 'd', 'e']) expect(store.reserve(key, 'x', 1000)).toBe('in-flight')
    expect(store.reserve('b', 'x', 1000)).toBe('reserved')
  })

  it('behind a receiver, still refuses a GitHub delivery replayed after maxEntries others', async () => {
    const secret = 'memory store sizing'
    const receiver = createReceiver({
      provider: github({ secret }),
      store: memoryStore({ maxEntries: 1_000 }),
      logger: silentLogger(),
    })
    let runs = 0
    receiver.onAny(() => {
      runs++
    })
    const delivery = (n: number) => ({
      url: '/hook',
      ...signGitHub({ event: 'push', payload: { n }, secret, deliveryId: `d-${n}` }),
    })
    const first = delivery(0)
    await receiver.handle(first)
    for (let n = 1; n < 1_000; n++) await receiver.handle(delivery(n))
    expect(runs).toBe(1_000)
    const replay = await receiver.handle(first)
    expect(JSON.parse(replay.body)).toMatchObject({ duplicate: true })
    expect(runs).toBe(1_000)
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
