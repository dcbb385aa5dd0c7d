/**
 * receiver.ts: `createReceiver`'s options, `verify`, and `handle` with `waitUntil`.
 */
import { describe, expect, it, vi } from 'vitest'
import { createReceiver, SignatureInvalidError, WebhookError, type DedupStore } from '../src/index.js'
import { stripe } from '../src/providers/stripe.js'
import { signStripe } from '../src/testing/index.js'
import { deferred, silentLogger } from './support/helpers.js'

const SECRET = 'whsec_receiver'
const event = (id: string, type = 'customer.created') => ({ id, type, object: 'event', data: { object: {} } })
const delivery = (id = 'evt_1', type?: string) => ({
  ...signStripe({ payload: event(id, type), secret: SECRET }),
  url: '/hook',
})
const make = (options: Partial<Parameters<typeof createReceiver>[0]> = {}) =>
  createReceiver({ provider: stripe({ secret: SECRET }), logger: silentLogger(), ...options })

describe('receiver.verify', () => {
  it('returns the events without running handlers or touching the store', async () => {
    const touched: string[] = []
    const store: DedupStore = {
      reserve: () => {
        touched.push('reserve')
        return 'reserved'
      },
      complete: () => void touched.push('complete'),
      release: () => void touched.push('release'),
    }
    const receiver = make({ store })
    let runs = 0
    receiver.onAny(() => {
      runs++
    })
    const [verified] = await receiver.verify(delivery('evt_v'))
    expect(verified).toMatchObject({ id: 'evt_v', type: 'customer.created', provider: 'stripe' })
    expect(typeof verified!.timestamp).toBe('number')
    expect(runs).toBe(0)
    expect(touched).toEqual([])
  })

  it('throws a WebhookError with status and code for a forged delivery', async () => {
    const forged = { ...delivery(), body: delivery().body.replace('evt_1', 'evt_2') }
    const error = await make()
      .verify(forged)
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SignatureInvalidError)
    expect(error).toMatchObject({ status: 401, code: 'signature_invalid' })
  })
})

describe('createReceiver options', () => {
  it('throws a clear TypeError without a provider', () => {
    expect(() => createReceiver({} as never)).toThrow(/pass a provider/)
  })

  it.each(['tolerance', 'deadlineMs', 'bodyLimit', 'leaseMs', 'dedupTtlMs'])(
    'throws when %s is not a positive number',
    (option) => {
      expect(() => make({ [option]: 0 })).toThrow(new RegExp(option))
    },
  )

  it("runs the default memory store on the receiver's clock, so a replay clock also expires dedup keys", async () => {
    let clock = Date.now()
    const receiver = make({ now: () => clock, dedupTtlMs: 60_000, tolerance: 3600 })
    let runs = 0
    receiver.onAny(() => {
      runs++
    })
    const d = delivery('evt_clock')
    await receiver.handle(d)
    await receiver.handle(d)
    expect(runs).toBe(1)
    clock += 60_001 // past the TTL on the receiver's clock only: the wall clock has barely moved
    await receiver.handle(d)
    expect(runs).toBe(2)
  })

  it('answers 503 store_unavailable when the store does not answer a reservation within storeTimeoutMs', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    try {
      const hung: DedupStore = {
        reserve: () => new Promise<never>(() => undefined), // a pool waiting forever for a connection
        complete: () => undefined,
        release: () => undefined,
      }
      const receiver = make({ store: hung, storeTimeoutMs: 2_000 })
      let ran = 0
      receiver.onAny(() => {
        ran++
      })
      let answered = false
      const answer = receiver.handle(delivery('evt_hung')).finally(() => (answered = true))
      await vi.advanceTimersByTimeAsync(1_999)
      expect(answered).toBe(false)
      await vi.advanceTimersByTimeAsync(1)
      const response = await answer
      expect(response.status).toBe(503)
      expect(JSON.parse(response.body).code).toBe('store_unavailable')
      expect(response.headers['retry-after']).toBeDefined()
      expect(ran).toBe(0)
    } finally {
      vi.useRealTimers()
    }
  })

  it('gives an asynchronous store half the deadline to answer by default, at most 5 s', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    try {
      const hung: DedupStore = {
        reserve: () => new Promise<never>(() => undefined),
        complete: () => undefined,
        release: () => undefined,
      }
      for (const [deadlineMs, timeoutMs] of [
        [3_000, 1_500],
        [30_000, 5_000],
      ] as const) {
        let answered = false
        const answer = make({ store: hung, deadlineMs })
          .onAny(() => undefined) // without a handler the store is never asked
          .handle(delivery(`evt_default_${deadlineMs}`))
          .finally(() => (answered = true))
        await vi.advanceTimersByTimeAsync(timeoutMs - 1)
        expect(answered).toBe(false)
        await vi.advanceTimersByTimeAsync(1)
        expect((await answer).status).toBe(503)
      }
    } finally {
      vi.useRealTimers()
    }
  })

  it('applies a custom tolerance', async () => {
    const receiver = make({ tolerance: 10, now: () => Date.now() + 11_000 })
    const response = await receiver.handle(delivery())
    expect(JSON.parse(response.body).code).toBe('timestamp_out_of_tolerance')
  })
})

describe('handle(request, { waitUntil })', () => {
  it('hands the still-running handlers to waitUntil with the 202, settling once they are done', async () => {
    const receiver = make({ deadlineMs: 20 })
    const release = deferred()
    const order: string[] = []
    receiver.onAny(async () => {
      await release.promise
      order.push('handler done')
    })
    const kept: Promise<unknown>[] = []
    const response = await receiver.handle(delivery(), { waitUntil: (work) => void kept.push(work) })
    expect(response.status).toBe(202)
    expect(kept).toHaveLength(1)
    release.resolve()
    await kept[0]!.then(() => order.push('work settled'))
    expect(order).toEqual(['handler done', 'work settled'])
  })

  it('hands over work that settles (never rejects) when the handler fails after the 202, and reports it', async () => {
    const errors: unknown[] = []
    const receiver = make({ deadlineMs: 20 })
    const release = deferred()
    receiver.onAny(async () => {
      await release.promise
      throw new Error('late failure')
    })
    receiver.onError((error) => void errors.push(error))
    const kept: Promise<unknown>[] = []
    expect((await receiver.handle(delivery(), { waitUntil: (work) => void kept.push(work) })).status).toBe(
      202,
    )
    release.resolve()
    await expect(kept[0]).resolves.toBeDefined()
    expect(errors).toHaveLength(1)
  })

  it('does not call waitUntil when the handlers finish before the deadline', async () => {
    const receiver = make()
    receiver.onAny(() => undefined)
    const kept: Promise<unknown>[] = []
    expect((await receiver.handle(delivery(), { waitUntil: (work) => void kept.push(work) })).status).toBe(
      200,
    )
    expect(kept).toHaveLength(0)
  })

  it('still answers 202, and logs, when waitUntil throws', async () => {
    const logger = silentLogger()
    const receiver = make({ deadlineMs: 20, logger })
    const release = deferred()
    receiver.onAny(() => release.promise)
    const waitUntil = () => {
      throw new Error('outside a request scope')
    }
    expect((await receiver.handle(delivery(), { waitUntil })).status).toBe(202)
    expect(logger.warnings).toHaveLength(1)
    release.resolve()
  })
})
