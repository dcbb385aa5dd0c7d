/**
 * `receiver.onOutcome` (docs/observability.md): one object per delivery, over every row of the status table, through
 * a real Express 5 app; batches; what a throwing hook changes (nothing); that success stays quiet in the logs.
 */
import express from 'express'
import request from 'supertest'
import { describe, expect, it } from 'vitest'
import { expressMiddleware } from '../src/adapters/express.js'
import {
  createReceiver,
  tenantSecrets,
  type DedupStore,
  type DeliveryOutcome,
  type ReceiverOptions,
} from '../src/index.js'
import { sendgrid } from '../src/providers/sendgrid.js'
import { slack } from '../src/providers/slack.js'
import { stripe } from '../src/providers/stripe.js'
import {
  generateSendGridKeyPair,
  signSendGrid,
  signSlack,
  signStripe,
  type SignedDelivery,
} from '../src/testing/index.js'
import { deferred, silentLogger } from './support/helpers.js'

const SECRET = 'whsec_outcome_table'
const NOW = 1_750_000_000

const stripeEvent = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  object: 'event',
  type: 'payment_intent.succeeded',
  data: { object: { id: 'pi_1', amount: 100 } },
  ...extra,
})
const signed = (id = 'evt_1', timestamp = NOW) =>
  signStripe({ payload: stripeEvent(id), secret: SECRET, timestamp })

function setup(options: Partial<ReceiverOptions<ReturnType<typeof stripe>>> = {}) {
  const logger = silentLogger()
  const receiver = createReceiver({
    provider: stripe({ secret: SECRET }),
    now: () => NOW * 1000,
    logger,
    ...options,
  })
  const outcomes: DeliveryOutcome[] = []
  receiver.onOutcome((outcome) => {
    outcomes.push(outcome)
  })
  const app = express()
  app.post('/hook', expressMiddleware(receiver))
  app.get('/hook', expressMiddleware(receiver))
  const send = (delivery: SignedDelivery) =>
    request(app).post('/hook').set(delivery.headers).send(delivery.body)
  return { receiver, app, send, logger, outcomes }
}

/** The outcome's fields that do not depend on the clock. */
function stable(outcome: DeliveryOutcome | undefined) {
  if (outcome === undefined) return undefined
  const { durations, ...rest } = outcome
  return rest
}

function expectDurations(outcome: DeliveryOutcome, has: { verify: boolean; handlers: boolean }): void {
  const { verifyMs, handlersMs, totalMs } = outcome.durations
  expect(totalMs).toBeGreaterThanOrEqual(0)
  if (has.verify) {
    expect(verifyMs).toBeGreaterThanOrEqual(0)
    expect(verifyMs).toBeLessThanOrEqual(totalMs)
  } else expect(verifyMs).toBeUndefined()
  if (has.handlers) {
    expect(handlersMs).toBeGreaterThanOrEqual(0)
    expect(handlersMs).toBeLessThanOrEqual(totalMs)
  } else expect(handlersMs).toBeUndefined()
}

const one = {
  id: 'evt_1',
  type: 'payment_intent.succeeded',
  attempt: undefined,
  events: 1,
  provider: 'stripe',
}

describe('receiver.onOutcome over the status table', () => {
  it('200: a handled event is new, with every duration', async () => {
    const { receiver, send, outcomes, logger } = setup()
    receiver.on('payment_intent.succeeded', () => undefined)
    expect((await send(signed())).status).toBe(200)
    expect(outcomes).toHaveLength(1)
    expect(stable(outcomes[0])).toEqual({ ...one, status: 200, code: 'received', dedup: 'new' })
    expectDurations(outcomes[0] as DeliveryOutcome, { verify: true, handlers: true })
    // Success stays quiet: the hook is how to see it.
    expect(logger.warnings).toEqual([])
    expect(logger.errors).toEqual([])
  })

  it('200: an event without handlers is skipped by dedup and has no handler time', async () => {
    const { send, outcomes } = setup()
    expect((await send(signed())).status).toBe(200)
    expect(stable(outcomes[0])).toEqual({ ...one, status: 200, code: 'received', dedup: 'skipped' })
    expectDurations(outcomes[0] as DeliveryOutcome, { verify: true, handlers: false })
  })

  it('200 duplicate: the second copy is a duplicate and runs nothing', async () => {
    const { receiver, send, outcomes } = setup()
    receiver.on('payment_intent.succeeded', () => undefined)
    await send(signed())
    expect((await send(signed())).body).toEqual({ received: true, duplicate: true })
    expect(stable(outcomes[1])).toEqual({ ...one, status: 200, code: 'duplicate', dedup: 'duplicate' })
    expectDurations(outcomes[1] as DeliveryOutcome, { verify: true, handlers: false })
  })

  it('409: a copy arriving while the first runs is in_flight; the first is reported when it is answered', async () => {
    const { receiver, send, outcomes } = setup()
    const gate = deferred()
    const started = deferred()
    receiver.on('payment_intent.succeeded', async () => {
      started.resolve()
      await gate.promise
    })
    const first = send(signed()).then((response) => response)
    await started.promise
    expect((await send(signed())).status).toBe(409)
    expect(outcomes.map(stable)).toEqual([
      { ...one, status: 409, code: 'duplicate_in_flight', dedup: 'in_flight' },
    ])
    gate.resolve()
    expect((await first).status).toBe(200)
    expect(stable(outcomes[1])).toEqual({ ...one, status: 200, code: 'received', dedup: 'new' })
  })

  it('401: a forged delivery has a verification time and no event', async () => {
    const { send, outcomes } = setup()
    const forged = signStripe({ payload: stripeEvent('evt_1'), secret: 'whsec_attacker', timestamp: NOW })
    expect((await send(forged)).status).toBe(401)
    expect(stable(outcomes[0])).toEqual({
      provider: 'stripe',
      status: 401,
      code: 'signature_invalid',
      id: undefined,
      type: undefined,
      attempt: undefined,
      dedup: undefined,
      events: 0,
    })
    expectDurations(outcomes[0] as DeliveryOutcome, { verify: true, handlers: false })
  })

  it('401: a delivery without a signature, refused by the adapter before the body, is reported too', async () => {
    const { send, outcomes } = setup()
    const { 'stripe-signature': _, ...headers } = signed().headers
    expect((await send({ method: 'POST', headers, body: signed().body })).status).toBe(401)
    expect(outcomes.map((outcome) => [outcome.status, outcome.code, outcome.events])).toEqual([
      [401, 'signature_missing', 0],
    ])
  })

  it('401: a stale delivery is timestamp_out_of_tolerance', async () => {
    const { send, outcomes } = setup()
    expect((await send(signed('evt_old', NOW - 301))).status).toBe(401)
    expect(outcomes[0]?.code).toBe('timestamp_out_of_tolerance')
  })

  it('400: an authentic body that is not JSON is body_malformed', async () => {
    const { send, outcomes } = setup()
    expect((await send(signStripe({ payload: '{"id": ', secret: SECRET, timestamp: NOW }))).status).toBe(400)
    expect(outcomes.map((outcome) => [outcome.status, outcome.code, outcome.events])).toEqual([
      [400, 'body_malformed', 0],
    ])
    expectDurations(outcomes[0] as DeliveryOutcome, { verify: true, handlers: false })
  })

  it('413: a body over the limit is body_too_large, with no verification time', async () => {
    const { send, outcomes } = setup({ bodyLimit: 100 })
    const big = signed('evt_big')
    big.body = JSON.stringify(stripeEvent('evt_big', { pad: 'x'.repeat(500) }))
    expect((await send(big)).status).toBe(413)
    expect(outcomes.map((outcome) => [outcome.status, outcome.code])).toEqual([[413, 'body_too_large']])
    expectDurations(outcomes[0] as DeliveryOutcome, { verify: false, handlers: false })
  })

  it('405: a GET is method_not_allowed', async () => {
    const { app, outcomes } = setup()
    expect((await request(app).get('/hook')).status).toBe(405)
    expect(outcomes.map((outcome) => [outcome.status, outcome.code])).toEqual([[405, 'method_not_allowed']])
  })

  it('500: a handler that throws is handler_failed, with its handler time', async () => {
    const { receiver, send, outcomes } = setup()
    receiver.onError(() => undefined)
    receiver.on('payment_intent.succeeded', () => {
      throw new Error('database down')
    })
    expect((await send(signed())).status).toBe(500)
    expect(stable(outcomes[0])).toEqual({ ...one, status: 500, code: 'handler_failed', dedup: 'new' })
    expectDurations(outcomes[0] as DeliveryOutcome, { verify: true, handlers: true })
  })

  it('202: handlers still running at the deadline are pending, with no handler time yet', async () => {
    const { receiver, send, outcomes } = setup({ deadlineMs: 30 })
    const gate = deferred()
    receiver.on('payment_intent.succeeded', () => gate.promise)
    expect((await send(signed())).status).toBe(202)
    expect(stable(outcomes[0])).toEqual({ ...one, status: 202, code: 'pending', dedup: 'new' })
    expectDurations(outcomes[0] as DeliveryOutcome, { verify: true, handlers: false })
    gate.resolve()
  })

  it('503: an unreachable store is store_unavailable, dedup unavailable', async () => {
    const down: DedupStore = {
      reserve: () => Promise.reject(new Error('ECONNREFUSED 10.0.0.7:6379')),
      complete: () => undefined,
      release: () => undefined,
    }
    const { receiver, send, outcomes } = setup({ store: down })
    receiver.onAny(() => undefined)
    expect((await send(signed())).status).toBe(503)
    expect(stable(outcomes[0])).toEqual({
      ...one,
      status: 503,
      code: 'store_unavailable',
      dedup: 'unavailable',
    })
    expect(JSON.stringify(outcomes)).not.toContain('10.0.0.7')
  })

  it("200 with onStoreError: 'process': the event ran unguarded", async () => {
    const down: DedupStore = {
      reserve: () => Promise.reject(new Error('ECONNREFUSED')),
      complete: () => undefined,
      release: () => undefined,
    }
    const { receiver, send, outcomes } = setup({ store: down, onStoreError: 'process' })
    receiver.onAny(() => undefined)
    expect((await send(signed())).status).toBe(200)
    expect(stable(outcomes[0])).toEqual({ ...one, status: 200, code: 'received', dedup: 'unguarded' })
  })

  it('503: a delivery during close() is shutting_down, before dedup', async () => {
    const { receiver, send, outcomes } = setup()
    receiver.onAny(() => undefined)
    await receiver.close()
    expect((await send(signed())).status).toBe(503)
    expect(stable(outcomes[0])).toEqual({ ...one, status: 503, code: 'shutting_down', dedup: undefined })
  })

  it('names the tenant a secret resolver chose, once the delivery verified', async () => {
    const secret = tenantSecrets({
      tenant: (request) => request.headers['x-tenant'],
      secrets: (tenant) => (tenant === 'acme' ? SECRET : undefined),
    })
    const { receiver, send, outcomes } = setup({ provider: stripe({ secret }) })
    receiver.on('payment_intent.succeeded', () => undefined)
    const forTenant = (tenant: string, delivery = signed()) => ({
      ...delivery,
      headers: { ...delivery.headers, 'x-tenant': tenant },
    })
    expect((await send(forTenant('acme'))).status).toBe(200)
    expect((await send(forTenant('initech'))).status).toBe(404)
    expect(outcomes.map((outcome) => [outcome.code, outcome.tenant])).toEqual([
      ['received', 'acme'],
      ['tenant_unknown', undefined],
    ])
  })

  it('holds no header, body, payload, secret or signature', async () => {
    const { receiver, send, outcomes } = setup()
    receiver.onAny(() => undefined)
    const delivery = signed()
    await send(delivery)
    const text = JSON.stringify(outcomes)
    expect(text).not.toContain(SECRET)
    expect(text).not.toContain((delivery.headers['stripe-signature'] as string).split('v1=')[1])
    expect(text).not.toContain('pi_1')
    expect(text).not.toContain('amount')
  })
})

describe('receiver.onOutcome for batches and replies', () => {
  it('lists each item of a SendGrid batch with its own dedup outcome', async () => {
    const { publicKey, privateKey } = generateSendGridKeyPair()
    const receiver = createReceiver({
      provider: sendgrid({ publicKey }),
      now: () => NOW * 1000,
      logger: silentLogger(),
    })
    const outcomes: DeliveryOutcome[] = []
    receiver.onOutcome((outcome) => void outcomes.push(outcome))
    receiver.on('delivered', () => undefined)
    const item = (id: string, event = 'delivered') => ({
      email: 'a@example.com',
      timestamp: NOW,
      event,
      sg_event_id: id,
    })
    const post = (payload: unknown[]) =>
      receiver.handle({ url: '/hook', ...signSendGrid({ payload, privateKey, timestamp: NOW }) })

    expect((await post([item('e1'), item('e2', 'open')])).status).toBe(200)
    expect((await post([item('e1'), item('e3')])).status).toBe(200)
    expect(outcomes.map(stable)).toEqual([
      {
        provider: 'sendgrid',
        status: 200,
        code: 'received',
        id: undefined,
        type: undefined,
        attempt: undefined,
        dedup: undefined,
        events: 2,
        items: [
          { id: 'e1', type: 'delivered', dedup: 'new' },
          { id: 'e2', type: 'open', dedup: 'skipped' },
        ],
      },
      {
        provider: 'sendgrid',
        status: 200,
        code: 'received',
        id: undefined,
        type: undefined,
        attempt: undefined,
        dedup: undefined,
        events: 2,
        items: [
          { id: 'e1', type: 'delivered', dedup: 'duplicate' },
          { id: 'e3', type: 'delivered', dedup: 'new' },
        ],
      },
    ])
  })

  it("reports Slack's url_verification, answered by the provider, as skipped by dedup", async () => {
    const receiver = createReceiver({
      provider: slack({ signingSecret: 'slack-secret' }),
      now: () => NOW * 1000,
    })
    const outcomes: DeliveryOutcome[] = []
    receiver.onOutcome((outcome) => void outcomes.push(outcome))
    const delivery = signSlack({
      signingSecret: 'slack-secret',
      payload: { type: 'url_verification', challenge: 'abc', token: 't' },
      timestamp: NOW,
    })
    const response = await receiver.handle({ url: '/slack', ...delivery })
    expect(response.body).toContain('abc')
    expect(outcomes.map((outcome) => [outcome.status, outcome.code, outcome.dedup, outcome.type])).toEqual([
      [200, 'received', 'skipped', 'url_verification'],
    ])
  })
})

describe('a hook that fails', () => {
  it('changes nothing for the delivery, and is logged once per receiver', async () => {
    const { receiver, send, logger, outcomes } = setup()
    let runs = 0
    receiver.on('payment_intent.succeeded', () => void runs++)
    receiver.onOutcome(() => {
      throw new Error('hook bug')
    })
    receiver.onOutcome(() => Promise.reject(new Error('async hook bug')))
    expect((await send(signed('evt_1'))).status).toBe(200)
    expect((await send(signed('evt_2'))).status).toBe(200)
    expect(runs).toBe(2)
    // The hook registered before the failing ones still got both.
    expect(outcomes.map((outcome) => outcome.id)).toEqual(['evt_1', 'evt_2'])
    await expect.poll(() => logger.errors.length).toBe(1)
    expect(String(logger.errors[0]?.[0])).toContain('onOutcome hook threw')
  })

  it('leaves handle() answering a request it cannot read with a 500, as a receiver without hooks does', async () => {
    const unreadable = { method: undefined as never, url: '/hook', headers: {}, body: new Uint8Array() }
    const answers = await Promise.all(
      [false, true].map((hooked) => {
        const receiver = createReceiver({ provider: stripe({ secret: SECRET }), logger: silentLogger() })
        if (hooked) receiver.onOutcome(() => undefined)
        return receiver.handle(unreadable)
      }),
    )
    expect(answers.map((answer) => answer.status)).toEqual([500, 500])
  })

  it('is refused when it is not a function', () => {
    const receiver = createReceiver({ provider: stripe({ secret: SECRET }) })
    expect(() => receiver.onOutcome('log' as never)).toThrow(/expects a function/)
  })
})
