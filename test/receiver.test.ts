import { describe, expect, it, vi } from 'vitest'
import {
  createReceiver,
  isWebhookError,
  SignatureInvalidError,
  WebhookError,
  type DedupStore,
  type Provider,
} from '../src/index.js'
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

describe('dispatch', () => {
  it('runs the handlers of one event concurrently', async () => {
    const receiver = make()
    const started: string[] = []
    const gate = deferred()
    const both = deferred()
    for (const name of ['a', 'b']) {
      receiver.on('customer.created', async () => {
        started.push(name)
        if (started.length === 2) both.resolve()
        await gate.promise
      })
    }
    const answer = receiver.handle(delivery())
    await both.promise // both started before either was allowed to finish
    gate.resolve()
    expect((await answer).status).toBe(200)
    expect(started.sort()).toEqual(['a', 'b'])
  })

  it('registers one handler under several names with on([...])', async () => {
    const receiver = make()
    const seen: string[] = []
    receiver.on(['customer.created', 'customer.updated'], (e) => {
      seen.push(e.type)
    })
    await receiver.handle(delivery('evt_1', 'customer.created'))
    await receiver.handle(delivery('evt_2', 'customer.updated'))
    await receiver.handle(delivery('evt_3', 'customer.deleted'))
    expect(seen).toEqual(['customer.created', 'customer.updated'])
  })

  it('keeps answering when an onError handler throws', async () => {
    const logger = silentLogger()
    const receiver = make({ logger })
    receiver.onError(() => {
      throw new Error('onError broke')
    })
    receiver.onAny(() => {
      throw new Error('handler broke')
    })
    expect((await receiver.handle(delivery())).status).toBe(500)
    expect(logger.errors.some(([message]) => String(message).includes('onError handler threw'))).toBe(true)
  })

  it('refuses a handler that is not a function', () => {
    expect(() => make().on('customer.created', 'nope' as never)).toThrow(TypeError)
    expect(() => make().onAny(undefined as never)).toThrow(/expects a function/)
  })
})

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

describe('errors', () => {
  it('recognises library errors, and only them', () => {
    expect(isWebhookError(new SignatureInvalidError())).toBe(true)
    expect(isWebhookError(new WebhookError(400, 'body_malformed', 'x'))).toBe(true)
    expect(isWebhookError(new Error('plain'))).toBe(false)
    expect(isWebhookError({ status: 401, code: 'x' })).toBe(false)
    // An HTTP client's error looks like ours (status + code) but is not: its message may carry a credential.
    const foreign = Object.assign(new Error('request failed'), { status: 502, code: 'ERR_BAD_RESPONSE' })
    expect(isWebhookError(foreign)).toBe(false)
    // The other module format's copy of WebhookError (dual ESM/CJS install) carries the same registered brand.
    const copy = new Error('from the CJS copy')
    Object.defineProperty(copy, Symbol.for('webhook-receiver.error'), { value: true })
    expect(isWebhookError(copy)).toBe(true)
  })

  it("answers 503 store_unavailable, never the status or message of the store's error, when the store rejects", async () => {
    const url = 'rediss://default:hunter2@cache.internal:6380'
    const failing: DedupStore = {
      reserve: () =>
        Promise.reject(Object.assign(new Error(`connect ${url} failed`), { status: 502, code: 'ERR' })),
      complete: () => undefined,
      release: () => undefined,
    }
    const receiver = make({ store: failing })
    let ran = 0
    receiver.onAny(() => {
      ran++
    })
    const response = await receiver.handle(delivery('evt_store'))
    expect(response.status).toBe(503)
    expect(JSON.parse(response.body).code).toBe('store_unavailable')
    expect(response.headers['retry-after']).toBeDefined()
    expect(response.body).not.toContain('hunter2')
    expect(ran).toBe(0)
  })

  it('answers 500 internal_error, never throwing, and logs every such failure, when a provider fails unexpectedly', async () => {
    const logger = silentLogger()
    const broken: Provider = {
      name: 'broken',
      deadlineMs: 1000,
      bodyLimit: 1000,
      retryWindowMs: 1000,
      verify: () => undefined,
      parse: () => {
        throw new TypeError('bug')
      },
    }
    const receiver = createReceiver({ provider: broken, logger })
    const response = await receiver.handle({ method: 'POST', url: '/', headers: {}, body: '{}' })
    expect(response.status).toBe(500)
    expect(JSON.parse(response.body).code).toBe('internal_error')
    expect(response.body).not.toContain('bug')
    expect(logger.errors).toHaveLength(1)
    // Unlike a misconfiguration (logged once), each internal failure is its own incident.
    await receiver.handle({ method: 'POST', url: '/', headers: {}, body: '{}' })
    expect(logger.errors).toHaveLength(2)
  })

  it('accepts headers as a Web Headers object and as a mixed-case record', async () => {
    const receiver = make()
    const d = delivery('evt_h')
    const mixed = { 'Stripe-Signature': d.headers['stripe-signature']!, 'Content-Type': 'application/json' }
    expect((await receiver.handle({ ...d, headers: mixed })).status).toBe(200)
    expect(
      (await receiver.handle({ ...delivery('evt_h2'), headers: new Headers(delivery('evt_h2').headers) }))
        .status,
    ).toBe(200)
  })

  it('answers 500 raw_body_unavailable when handed a parsed object instead of bytes', async () => {
    const response = await make().handle({ method: 'POST', url: '/', headers: {}, body: { id: 1 } as never })
    expect(response.status).toBe(500)
    expect(JSON.parse(response.body).code).toBe('raw_body_unavailable')
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
