/**
 * pipeline.ts: every row of the status table (docs/architecture.md, "Status policy"; docs/status-codes.md), through a
 * real Express 5 app.
 */
import express from 'express'
import request from 'supertest'
import { describe, expect, it } from 'vitest'
import { expressMiddleware } from '../src/adapters/express.js'
import { createReceiver, type DedupStore, type ReceiverOptions } from '../src/index.js'
import { github } from '../src/providers/github.js'
import { stripe } from '../src/providers/stripe.js'
import { signGitHub, signStripe, type SignedDelivery } from '../src/testing/index.js'
import { deferred, silentLogger } from './support/helpers.js'

const SECRET = 'whsec_status_table'
const NOW = 1_750_000_000

function stripeEvent(id = 'evt_1', extra: Record<string, unknown> = {}) {
  return {
    id,
    object: 'event',
    type: 'payment_intent.succeeded',
    data: { object: { id: 'pi_1', amount: 100 } },
    ...extra,
  }
}
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
  const app = express()
  app.post('/hook', expressMiddleware(receiver))
  app.get('/hook', expressMiddleware(receiver))
  const send = (delivery: SignedDelivery) =>
    request(app).post('/hook').set(delivery.headers).send(delivery.body)
  return { receiver, app, send, logger }
}

describe('status table through Express', () => {
  it('answers 200 and runs the handler once for a verified event', async () => {
    const { receiver, send } = setup()
    const seen: string[] = []
    receiver.on('payment_intent.succeeded', (event) => {
      seen.push(event.id)
    })
    const response = await send(signed())
    expect(response.status).toBe(200)
    expect(response.body).toEqual({ received: true })
    expect(seen).toEqual(['evt_1'])
  })

  it('answers 200 when no handler is registered for the type', async () => {
    const { send } = setup()
    expect((await send(signed())).status).toBe(200)
  })

  it('answers 200 without running the handler again for a duplicate of a handled delivery', async () => {
    const { receiver, send } = setup()
    let runs = 0
    receiver.on('payment_intent.succeeded', () => {
      runs++
    })
    await send(signed())
    const again = await send(signed())
    expect(again.status).toBe(200)
    expect(again.body).toEqual({ received: true, duplicate: true })
    expect(runs).toBe(1)
  })

  it('answers 409 with Retry-After for a copy that arrives while the first is still being handled', async () => {
    const { receiver, send } = setup()
    const gate = deferred()
    const started = deferred()
    let runs = 0
    receiver.on('payment_intent.succeeded', async () => {
      runs++
      started.resolve()
      await gate.promise
    })
    const first = send(signed()).then((r) => r)
    await started.promise
    const second = await send(signed())
    expect(second.status).toBe(409)
    expect(second.headers['retry-after']).toMatch(/^\d+$/)
    expect(second.body.code).toBe('duplicate_in_flight')
    gate.resolve()
    expect((await first).status).toBe(200)
    expect(runs).toBe(1)
  })

  it('answers 401 signature_invalid for a forged delivery and runs no handler', async () => {
    const { receiver, send } = setup()
    let runs = 0
    receiver.onAny(() => {
      runs++
    })
    const forged = signStripe({ payload: stripeEvent(), secret: 'whsec_attacker', timestamp: NOW })
    const response = await send(forged)
    expect(response.status).toBe(401)
    expect(response.body.code).toBe('signature_invalid')
    expect(runs).toBe(0)
  })

  it('answers 401 signature_missing when the signature header is absent', async () => {
    const { send } = setup()
    const { 'stripe-signature': _, ...headers } = signed().headers
    const response = await send({ method: 'POST', headers, body: signed().body })
    expect(response.status).toBe(401)
    expect(response.body.code).toBe('signature_missing')
  })

  it('answers 401 timestamp_out_of_tolerance for a stale delivery and for one from the future', async () => {
    const { receiver, send } = setup()
    let runs = 0
    receiver.onAny(() => {
      runs++
    })
    for (const timestamp of [NOW - 301, NOW + 301]) {
      const response = await send(signed(`evt_${timestamp}`, timestamp))
      expect(response.status).toBe(401)
      expect(response.body.code).toBe('timestamp_out_of_tolerance')
    }
    expect(runs).toBe(0)
  })

  it('answers 400 body_malformed for an authentic body that is not JSON', async () => {
    const { send } = setup()
    const response = await send(signStripe({ payload: '{"id": "evt_1", ', secret: SECRET, timestamp: NOW }))
    expect(response.status).toBe(400)
    expect(response.body.code).toBe('body_malformed')
  })

  it('answers 400 payload_invalid for an authentic event without an id', async () => {
    const { send } = setup()
    const response = await send(signStripe({ payload: { type: 'x' }, secret: SECRET, timestamp: NOW }))
    expect(response.status).toBe(400)
    expect(response.body.code).toBe('payload_invalid')
  })

  it('answers 400 header_missing when a required header is absent', async () => {
    const receiver = createReceiver({ provider: github({ secret: 'gh' }), logger: silentLogger() })
    const app = express().post('/hook', expressMiddleware(receiver))
    const delivery = signGitHub({ event: 'push', payload: { ref: 'main' }, secret: 'gh' })
    const { 'x-github-event': _, ...headers } = delivery.headers
    const response = await request(app).post('/hook').set(headers).send(delivery.body)
    expect(response.status).toBe(400)
    expect(response.body.code).toBe('header_missing')
  })

  it('answers 413 body_too_large when the body is over the limit, with or without Content-Length', async () => {
    const { receiver, app } = setup({ bodyLimit: 100 })
    let runs = 0
    receiver.onAny(() => {
      runs++
    })
    const big = signed('evt_big')
    big.body = JSON.stringify(stripeEvent('evt_big', { pad: 'x'.repeat(500) }))
    const declared = await request(app).post('/hook').set(big.headers).send(big.body)
    expect(declared.status).toBe(413)
    expect(declared.body.code).toBe('body_too_large')
    const chunked = request(app).post('/hook').set(big.headers)
    chunked.write(big.body.slice(0, 250))
    chunked.write(big.body.slice(250))
    const streamed = await chunked
    expect(streamed.status).toBe(413)
    expect(runs).toBe(0)
  })

  it('answers 405 with Allow: POST for a GET', async () => {
    const { app } = setup()
    const response = await request(app).get('/hook')
    expect(response.status).toBe(405)
    expect(response.headers.allow).toBe('POST')
    expect(response.body.code).toBe('method_not_allowed')
  })

  it('answers 500 when a handler throws, releases the reservation, and runs the handler again on the retry', async () => {
    const errors: unknown[] = []
    const { receiver, send } = setup()
    receiver.onError((error) => {
      errors.push(error)
    })
    let runs = 0
    receiver.on('payment_intent.succeeded', () => {
      runs++
      if (runs === 1) throw new Error('database down')
    })
    const failed = await send(signed())
    expect(failed.status).toBe(500)
    expect(failed.body.code).toBe('handler_failed')
    expect(JSON.stringify(failed.body)).not.toContain('database down')
    expect(errors).toHaveLength(1)
    const retry = await send(signed())
    expect(retry.status).toBe(200)
    expect(retry.body).toEqual({ received: true })
    expect(runs).toBe(2)
  })

  it('answers 202 at the deadline while the handler goes on, and reports its later failure to onError', async () => {
    const { receiver, send } = setup({ deadlineMs: 30 })
    const gate = deferred()
    const reported = deferred<unknown>()
    receiver.onError((error) => reported.resolve(error))
    receiver.on('payment_intent.succeeded', async () => {
      await gate.promise
      throw new Error('late failure')
    })
    const response = await send(signed())
    expect(response.status).toBe(202)
    expect(response.body).toEqual({ received: true, pending: true })
    gate.resolve()
    expect(((await reported.promise) as Error).message).toBe('late failure')
  })

  it('marks an event handled after a 202 once its slow handler succeeds', async () => {
    const { receiver, send } = setup({ deadlineMs: 30 })
    const gate = deferred()
    const finished = deferred()
    receiver.on('payment_intent.succeeded', async () => {
      await gate.promise
      finished.resolve()
    })
    expect((await send(signed())).status).toBe(202)
    gate.resolve()
    await finished.promise
    // complete() runs right after the handler settles; poll the answer instead of sleeping a fixed time.
    await expect.poll(async () => (await send(signed())).body).toEqual({ received: true, duplicate: true })
  })

  it('gives onError one AggregateError when several handlers fail', async () => {
    const { receiver, send } = setup()
    const errors: unknown[] = []
    receiver.onError((error) => {
      errors.push(error)
    })
    receiver.on('payment_intent.succeeded', () => {
      throw new Error('a')
    })
    receiver.onAny(() => {
      throw new Error('b')
    })
    expect((await send(signed())).status).toBe(500)
    expect(errors).toHaveLength(1)
    expect(errors[0]).toBeInstanceOf(AggregateError)
    expect(((errors[0] as AggregateError).errors as Error[]).map((e) => e.message).sort()).toEqual(['a', 'b'])
  })

  it('answers 503 with Retry-After and runs nothing when the dedup store is unreachable', async () => {
    const down: DedupStore = {
      reserve: () => Promise.reject(new Error('ECONNREFUSED')),
      complete: () => undefined,
      release: () => undefined,
    }
    const { receiver, send } = setup({ store: down })
    let runs = 0
    receiver.onAny(() => {
      runs++
    })
    const response = await send(signed())
    expect(response.status).toBe(503)
    expect(response.headers['retry-after']).toMatch(/^\d+$/)
    expect(response.body.code).toBe('store_unavailable')
    expect(runs).toBe(0)
  })

  it("processes without dedup when the store is unreachable and onStoreError is 'process'", async () => {
    const down: DedupStore = {
      reserve: () => Promise.reject(new Error('ECONNREFUSED')),
      complete: () => Promise.reject(new Error('ECONNREFUSED')),
      release: () => undefined,
    }
    const { receiver, send, logger } = setup({ store: down, onStoreError: 'process' })
    let runs = 0
    receiver.onAny(() => {
      runs++
    })
    expect((await send(signed())).status).toBe(200)
    expect(runs).toBe(1)
    expect(logger.warnings.length).toBeGreaterThan(0)
  })

  it('never puts the secret, the signature or a stack trace in a refusal', async () => {
    const { receiver, send } = setup()
    receiver.onAny(() => {
      throw new Error(`leak ${SECRET}`)
    })
    const good = signed()
    const forged = { ...good, body: good.body.replace('100', '999') }
    for (const delivery of [forged, good]) {
      const response = await send(delivery)
      expect(response.headers['content-type']).toContain('application/problem+json')
      expect(Object.keys(response.body).sort()).toEqual(['code', 'detail', 'status', 'title', 'type'])
      expect(response.text).not.toContain(SECRET)
      expect(response.text).not.toContain(good.headers['stripe-signature']!.split('v1=')[1])
      expect(response.text).not.toMatch(/\n\s+at /)
    }
  })
})
