/**
 * dedup.ts: replays of senders that sign no timestamp (GitHub, Shopify, Twilio, an `hmac()` reading its id from a
 * header): their event id travels in a header nobody signed, so a captured delivery could come back under a new id.
 * The verified signature (or a hash of the signed body) is reserved beside the id, so the copy is still a duplicate,
 * while distinct events still each run once.
 */
import { describe, expect, it } from 'vitest'
import {
  createReceiver,
  memoryStore,
  type DedupStore,
  type Provider,
  type WebhookRequest,
} from '../src/index.js'
import { github } from '../src/providers/github.js'
import { hmac } from '../src/providers/hmac.js'
import { shopify } from '../src/providers/shopify.js'
import { stripe } from '../src/providers/stripe.js'
import { twilio } from '../src/providers/twilio.js'
import { signGitHub, signShopify, signStripe, signTwilio } from '../src/testing/index.js'
import { createHmac } from 'node:crypto'
import { deferred, silentLogger } from './support/helpers.js'

const SECRET = 'replay test secret'
const TWILIO_URL = 'https://example.com/sms'

/** A receiver counting handler runs, over a memory store whose reservations are counted too. */
function setup(provider: Provider<any, any>) {
  const inner = memoryStore()
  const reserved: string[] = []
  const store: DedupStore = {
    reserve: (key, token, leaseMs) => {
      reserved.push(key)
      return inner.reserve(key, token, leaseMs)
    },
    complete: (key, token, ttlMs) => inner.complete(key, token, ttlMs),
    release: (key, token) => inner.release(key, token),
  }
  const receiver = createReceiver({ provider, store, logger: silentLogger() })
  const runs: string[] = []
  receiver.onAny((event) => {
    runs.push(event.id)
  })
  const send = async (request: WebhookRequest) => {
    const response = await receiver.handle(request)
    // Twilio is answered TwiML, whose duplicate reads like any other empty reply; JSON answers say duplicate.
    const json = response.headers['content-type']?.includes('json') === true
    return {
      status: response.status,
      duplicate: json ? JSON.parse(response.body).duplicate === true : undefined,
    }
  }
  return { receiver, send, runs, reserved }
}

/** An incoming SMS as Twilio posts it to /sms (`Body=hi` first, so the form can be re-split). */
const twilioSms = (n: number): WebhookRequest => ({
  ...signTwilio({
    url: TWILIO_URL,
    authToken: SECRET,
    idempotencyToken: `idem-${n}`,
    params: { Body: 'hi', MessageSid: `SM${n}`, From: '+15550001' },
  }),
  url: '/sms',
})

const withHeader = (request: WebhookRequest, name: string, value: string | undefined): WebhookRequest => {
  const headers = { ...(request.headers as Record<string, string>) }
  if (value === undefined) delete headers[name]
  else headers[name] = value
  return { ...request, headers }
}

describe.each([
  {
    name: 'GitHub, under a new X-GitHub-Delivery',
    provider: () => github({ secret: SECRET }),
    delivery: (n: number) => ({
      url: '/hook',
      ...signGitHub({ event: 'issues', payload: { action: 'opened', issue: { number: n } }, secret: SECRET }),
    }),
    replay: (request: WebhookRequest) => withHeader(request, 'x-github-delivery', 'a-new-guid'),
  },
  {
    name: 'GitHub, as another event type',
    provider: () => github({ secret: SECRET }),
    delivery: (n: number) => ({
      url: '/hook',
      ...signGitHub({ event: 'issues', payload: { action: 'opened', issue: { number: n } }, secret: SECRET }),
    }),
    replay: (request: WebhookRequest) =>
      withHeader(withHeader(request, 'x-github-event', 'pull_request'), 'x-github-delivery', 'other'),
  },
  {
    name: 'Shopify, under a new X-Shopify-Event-Id',
    provider: () => shopify({ secret: SECRET }),
    delivery: (n: number) => ({
      url: '/hook',
      ...signShopify({ topic: 'orders/create', payload: { id: n }, secret: SECRET }),
    }),
    replay: (request: WebhookRequest) => withHeader(request, 'x-shopify-event-id', 'evt-forged'),
  },
  {
    name: 'Twilio, without its I-Twilio-Idempotency-Token',
    provider: () => twilio({ authToken: SECRET, url: TWILIO_URL }),
    delivery: twilioSms,
    replay: (request: WebhookRequest) => withHeader(request, 'i-twilio-idempotency-token', undefined),
  },
  {
    name: 'Twilio, with its form fields re-split (Body=hi → Bod=yhi: the same signed text)',
    provider: () => twilio({ authToken: SECRET, url: TWILIO_URL }),
    delivery: twilioSms,
    replay: (request: WebhookRequest) => {
      const body = String(request.body).replace(/^Body=hi&/, 'Bod=yhi&')
      if (body === request.body) throw new Error('the test delivery no longer starts with Body=hi')
      return { ...withHeader(request, 'i-twilio-idempotency-token', 'idem-forged'), body }
    },
  },
  {
    name: 'hmac() reading its id from a header, under a new id',
    provider: () => hmac({ secret: SECRET, header: 'x-signature', idFrom: 'x-event-id' }),
    delivery: (n: number) => {
      const body = JSON.stringify({ type: 'thing.happened', n })
      return {
        method: 'POST',
        url: '/hook',
        headers: {
          'x-signature': createHmac('sha256', SECRET).update(body).digest('hex'),
          'x-event-id': `evt-${n}`,
        },
        body,
      }
    },
    replay: (request: WebhookRequest) => withHeader(request, 'x-event-id', 'evt-forged'),
  },
])('a captured delivery replayed: $name', ({ provider, delivery, replay }) => {
  it('is answered 200 as a duplicate, running nothing again', async () => {
    const { send, runs } = setup(provider())
    const original = delivery(1)
    expect((await send(original)).status).toBe(200)
    const again = await send(replay(original))
    expect(again.status).toBe(200)
    expect(again.duplicate).not.toBe(false)
    expect(runs).toHaveLength(1)
  })

  it('is answered 409 while the original is still being handled, and runs once the original failed', async () => {
    const { receiver, send, runs } = setup(provider())
    const gate = deferred()
    let failFirst = true
    receiver.onAny(async () => {
      await gate.promise
      if (failFirst) {
        failFirst = false
        throw new Error('first attempt fails')
      }
    })
    const original = delivery(2)
    const first = send(original)
    await new Promise((resolve) => setImmediate(resolve)) // the original holds its reservation
    const copy = await send(replay(original))
    expect(copy.status).toBe(409)
    gate.resolve()
    expect((await first).status).toBe(500)
    // The failure released both keys: the sender's retry runs.
    expect((await send(original)).status).toBe(200)
    expect(runs).toHaveLength(2)
  })

  it('does not hold back a distinct event', async () => {
    const { send, runs } = setup(provider())
    expect((await send(delivery(3))).status).toBe(200)
    expect((await send(delivery(4))).status).toBe(200)
    expect(runs).toHaveLength(2)
  })
})

describe('senders that sign their id or a timestamp', () => {
  it('reserve one key per event (Stripe: the event id is in the signed body)', async () => {
    const { send, reserved } = setup(stripe({ secret: 'whsec_replay' }))
    await send({
      url: '/hook',
      ...signStripe({
        payload: { id: 'evt_1', type: 'customer.created', data: { object: {} } },
        secret: 'whsec_replay',
      }),
    })
    expect(reserved).toEqual(['webhook:stripe:evt_1'])
  })

  it('reserve two keys for an unsigned id (GitHub: the delivery id and the signature)', async () => {
    const { send, reserved } = setup(github({ secret: SECRET }))
    const request = {
      url: '/hook',
      ...signGitHub({ event: 'push', payload: { ref: 'x' }, secret: SECRET, deliveryId: 'd-1' }),
    }
    await send(request)
    const signature = (request.headers as Record<string, string>)['x-hub-signature-256']!.slice(
      'sha256='.length,
    )
    expect(reserved).toEqual(['webhook:github:d-1', `webhook:github:replay:${signature}`])
  })
})

/** A receiver with a handler for `handled` only, over a memory store whose every call is recorded. */
function routed(provider: Provider<any, any>, handled: string) {
  const inner = memoryStore()
  const calls: string[] = []
  const store: DedupStore = {
    reserve: (key, token, leaseMs) => {
      calls.push(`reserve ${key}`)
      return inner.reserve(key, token, leaseMs)
    },
    complete: (key, token, ttlMs) => {
      calls.push(`complete ${key}`)
      return inner.complete(key, token, ttlMs)
    },
    release: (key, token) => {
      calls.push(`release ${key}`)
      return inner.release(key, token)
    },
  }
  const receiver = createReceiver({ provider, store, logger: silentLogger() })
  const runs: string[] = []
  receiver.on(handled, (event) => {
    runs.push(event.type)
  })
  return { send: (request: WebhookRequest) => receiver.handle(request), runs, calls }
}

const hmacDelivery = (body: string, headers: Record<string, string>): WebhookRequest => ({
  method: 'POST',
  url: '/hook',
  headers: { 'x-signature': createHmac('sha256', SECRET).update(body).digest('hex'), ...headers },
  body,
})

describe.each([
  {
    name: 'Shopify, orders/create sent again as orders/paid',
    provider: () => shopify({ secret: SECRET }),
    unhandled: 'orders/create',
    handled: 'orders/paid',
    delivery: (topic: string, n: number) => ({
      url: '/hook',
      ...signShopify({ topic, payload: { id: n }, secret: SECRET }),
    }),
    reroute: (request: WebhookRequest, topic: string) => withHeader(request, 'x-shopify-topic', topic),
  },
  {
    name: 'GitHub, an issues event sent again as pull_request under a new delivery id',
    provider: () => github({ secret: SECRET }),
    unhandled: 'issues',
    handled: 'pull_request',
    delivery: (event: string, n: number) => ({
      url: '/hook',
      ...signGitHub({ event, payload: { number: n }, secret: SECRET }),
    }),
    reroute: (request: WebhookRequest, event: string) =>
      withHeader(withHeader(request, 'x-github-event', event), 'x-github-delivery', 'a-new-guid'),
  },
  {
    name: 'hmac() with a header typeFrom, the id a hash of the body',
    provider: () => hmac({ secret: SECRET, header: 'x-signature', typeFrom: 'x-event' }),
    unhandled: 'order.viewed',
    handled: 'refund.issued',
    delivery: (type: string, n: number) => hmacDelivery(JSON.stringify({ n }), { 'x-event': type }),
    reroute: (request: WebhookRequest, type: string) => withHeader(request, 'x-event', type),
  },
  {
    name: 'hmac() with a header typeFrom and a header idFrom, under a new id',
    provider: () => hmac({ secret: SECRET, header: 'x-signature', typeFrom: 'x-event', idFrom: 'x-id' }),
    unhandled: 'order.viewed',
    handled: 'refund.issued',
    delivery: (type: string, n: number) =>
      hmacDelivery(JSON.stringify({ n }), { 'x-event': type, 'x-id': `d-${n}` }),
    reroute: (request: WebhookRequest, type: string) =>
      withHeader(withHeader(request, 'x-event', type), 'x-id', 'd-forged'),
  },
])(
  'a captured delivery of a type without handlers, its unsigned type header changed: $name',
  ({ provider, unhandled, handled, delivery, reroute }) => {
    it('was remembered, so the re-routed copy is a duplicate and runs no handler', async () => {
      const { send, runs } = routed(provider(), handled)
      const original = delivery(unhandled, 1)
      expect((await send(original)).status).toBe(200)
      const rerouted = await send(reroute(original, handled))
      expect(rerouted.status).toBe(200)
      expect(JSON.parse(rerouted.body)).toMatchObject({ duplicate: true })
      expect(runs).toEqual([])
    })

    it('does not hold back a distinct delivery of the handled type', async () => {
      const { send, runs } = routed(provider(), handled)
      expect((await send(delivery(unhandled, 1))).status).toBe(200)
      expect((await send(delivery(handled, 2))).status).toBe(200)
      expect(runs).toEqual([handled])
    })
  },
)

describe('the store work for an event without handlers', () => {
  it('is one write for a sender whose type header is unsigned (GitHub: the replay key, marked done)', async () => {
    const { send, calls } = routed(github({ secret: SECRET }), 'pull_request')
    const request = {
      url: '/hook',
      ...signGitHub({ event: 'push', payload: { ref: 'x' }, secret: SECRET, deliveryId: 'd-1' }),
    }
    expect((await send(request)).status).toBe(200)
    const signature = (request.headers as Record<string, string>)['x-hub-signature-256']!.slice(
      'sha256='.length,
    )
    expect(calls).toEqual([`complete webhook:github:replay:${signature}`])
  })

  it('is nothing for a sender that signs the type (Stripe: it is in the signed body)', async () => {
    const { send, calls } = routed(stripe({ secret: 'whsec_replay' }), 'customer.deleted')
    const request = {
      url: '/hook',
      ...signStripe({
        payload: { id: 'evt_1', type: 'customer.created', data: { object: {} } },
        secret: 'whsec_replay',
      }),
    }
    expect((await send(request)).status).toBe(200)
    expect(calls).toEqual([])
  })
})

describe('an event without handlers whose type header is unsigned, while the store is down', () => {
  const down: DedupStore = {
    reserve: () => Promise.reject(new Error('store down')),
    complete: () => Promise.reject(new Error('store down')),
    release: () => Promise.reject(new Error('store down')),
  }
  const push = () => ({
    url: '/hook',
    ...signGitHub({ event: 'push', payload: { ref: 'x' }, secret: SECRET, deliveryId: 'd-1' }),
  })

  it('is answered 503 store_unavailable, so the sender retries once it can be remembered', async () => {
    const receiver = createReceiver({
      provider: github({ secret: SECRET }),
      store: down,
      logger: silentLogger(),
    })
    receiver.on('pull_request', () => undefined)
    const response = await receiver.handle(push())
    expect(response.status).toBe(503)
    expect(JSON.parse(response.body)).toMatchObject({ code: 'store_unavailable' })
    expect(response.headers['retry-after']).toBeDefined()
  })

  it("is answered 200 with onStoreError: 'process', the failure logged", async () => {
    const logger = silentLogger()
    const receiver = createReceiver({
      provider: github({ secret: SECRET }),
      store: down,
      logger,
      onStoreError: 'process',
    })
    receiver.on('pull_request', () => undefined)
    expect((await receiver.handle(push())).status).toBe(200)
    expect(logger.warnings).toHaveLength(1)
  })
})
