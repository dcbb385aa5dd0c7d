/**
 * The DedupStore contract, written once and run against every store (memory, Redis with both clients,
 * PostgreSQL): the states reserve → (extend…) → complete | release, leases, token ownership, TTLs, and atomicity under
 * concurrent reservations.
 */
import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { DedupStore } from '../../src/index.js'

/** Polls until `check` passes: lease and TTL expiry are waited for, never asserted against a wall clock. */
async function eventually(check: () => Promise<boolean>): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (await check()) return
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  throw new Error('condition never held')
}

/** The store's `extend`, which every shipped store implements (it is optional for stores users write). */
function extendOf(store: DedupStore): NonNullable<DedupStore['extend']> {
  expect(typeof store.extend).toBe('function')
  return (store.extend as NonNullable<DedupStore['extend']>).bind(store)
}

export function storeContract(name: string, store: () => DedupStore): void {
  describe(`${name}: DedupStore contract`, () => {
    const key = () => `contract:${randomUUID()}`

    it('reserves a new key once; a second token sees it in flight', async () => {
      const k = key()
      expect(await store().reserve(k, 'a', 60_000)).toBe('reserved')
      expect(await store().reserve(k, 'b', 60_000)).toBe('in-flight')
    })

    it('reports done after complete', async () => {
      const k = key()
      await store().reserve(k, 'a', 60_000)
      await store().complete(k, 'a', 60_000)
      expect(await store().reserve(k, 'b', 60_000)).toBe('done')
    })

    it('marks a key that was never reserved done on complete (a replay recorded for an event without handlers)', async () => {
      const k = key()
      await store().complete(k, 'a', 60_000)
      expect(await store().reserve(k, 'b', 60_000)).toBe('done')
    })

    it('lets a retry reserve again after release', async () => {
      const k = key()
      await store().reserve(k, 'a', 60_000)
      await store().release(k, 'a')
      expect(await store().reserve(k, 'b', 60_000)).toBe('reserved')
    })

    it('lets another token take over once the lease expires', async () => {
      const k = key()
      await store().reserve(k, 'a', 100)
      await eventually(async () => (await store().reserve(k, 'b', 60_000)) === 'reserved')
    })

    it('ignores complete and release from a token whose lease was taken over', async () => {
      const k = key()
      await store().reserve(k, 'a', 100)
      await eventually(async () => (await store().reserve(k, 'b', 60_000)) === 'reserved')
      await store().complete(k, 'a', 60_000)
      expect(await store().reserve(k, 'c', 60_000)).toBe('in-flight')
      await store().release(k, 'a')
      expect(await store().reserve(k, 'c', 60_000)).toBe('in-flight')
      await store().complete(k, 'b', 60_000)
      expect(await store().reserve(k, 'c', 60_000)).toBe('done')
    })

    it('marks a key done when its owner completes after the lease expired and nobody took it over', async () => {
      const k = key()
      await store().reserve(k, 'a', 50)
      // Wait until the lease is over (another token could now take the key), without taking it.
      await new Promise((resolve) => setTimeout(resolve, 120))
      await store().complete(k, 'a', 60_000)
      expect(await store().reserve(k, 'b', 60_000)).toBe('done')
    })

    it('forgets a completed key after its TTL', async () => {
      const k = key()
      await store().reserve(k, 'a', 60_000)
      await store().complete(k, 'a', 100)
      expect(await store().reserve(k, 'b', 60_000)).toBe('done')
      await eventually(async () => (await store().reserve(k, 'c', 60_000)) === 'reserved')
    })

    it('extends a lease for its owner: the key stays leased past the lease it was reserved with', async () => {
      const k = key()
      const extend = extendOf(store())
      await store().reserve(k, 'a', 100)
      expect(await extend(k, 'a', 60_000)).toBe(true)
      // Wait until the first lease would have ended (another token could take the key then), without taking it.
      await new Promise((resolve) => setTimeout(resolve, 200))
      expect(await store().reserve(k, 'b', 60_000)).toBe('in-flight')
      await store().complete(k, 'a', 60_000)
      expect(await store().reserve(k, 'b', 60_000)).toBe('done')
    })

    it('extends nothing for another token, a done key or a missing one', async () => {
      const k = key()
      const extend = extendOf(store())
      expect(await extend(k, 'a', 60_000)).toBe(false)
      await store().reserve(k, 'a', 60_000)
      expect(await extend(k, 'b', 60_000)).toBe(false)
      await store().complete(k, 'a', 100)
      expect(await extend(k, 'a', 60_000)).toBe(false)
      // Still done for its own TTL only: extend never turned it back into a lease, nor lengthened it.
      await eventually(async () => (await store().reserve(k, 'c', 60_000)) === 'reserved')
    })

    it('extends nothing once the lease was taken over by another token', async () => {
      const k = key()
      const extend = extendOf(store())
      await store().reserve(k, 'a', 100)
      await eventually(async () => (await store().reserve(k, 'b', 100)) === 'reserved')
      expect(await extend(k, 'a', 60_000)).toBe(false)
      expect(await extend(k, 'b', 60_000)).toBe(true)
      await new Promise((resolve) => setTimeout(resolve, 200))
      expect(await store().reserve(k, 'c', 60_000)).toBe('in-flight')
    })

    it('gives exactly one of 50 concurrent reservations of a key', async () => {
      const k = key()
      const outcomes = await Promise.all(
        Array.from({ length: 50 }, (_, i) => store().reserve(k, `t${i}`, 60_000)),
      )
      expect(outcomes.filter((o) => o === 'reserved')).toHaveLength(1)
      expect(outcomes.filter((o) => o === 'in-flight')).toHaveLength(49)
    })
  })
}
