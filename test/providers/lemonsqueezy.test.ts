/**
 * Lemon Squeezy: routing on the signed `meta.event_name`, never on the unsigned X-Event-Name header, and dedup on
 * the body it repeats on every retry. Lemon Squeezy's SDK has no webhook verifier: the scheme is the docs' (hex
 * HMAC-SHA256 of the raw body in X-Signature).
 */
import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { lemonSqueezy } from '../../src/providers/lemonsqueezy.js'
import { signLemonSqueezy } from '../../src/testing/index.js'
import { problem, providerHarness } from '../support/provider-harness.js'

const SECRET = 'lemon squeezy signing secret'
const NOW = 1_700_000_000
const ORDER = {
  meta: { event_name: 'order_created', custom_data: { user_id: 123 }, test_mode: true },
  data: { type: 'orders', id: '1', attributes: { total: 999 } },
}

describe('Lemon Squeezy', () => {
  it('accepts the documented scheme and dispatches on meta.event_name', async () => {
    const body = JSON.stringify(ORDER)
    const signature = createHmac('sha256', SECRET).update(body).digest('hex')
    const { post, seen } = providerHarness(lemonSqueezy({ secret: SECRET }), NOW)
    const response = await post({
      headers: { 'x-signature': signature, 'x-event-name': 'order_created' },
      body,
    })
    expect(response.status).toBe(200)
    expect(seen.map((event) => event.type)).toEqual(['order_created'])
  })

  it('ignores an X-Event-Name that disagrees with the signed body: the signed event_name routes', async () => {
    const { receiver, post } = providerHarness(lemonSqueezy({ secret: SECRET }), NOW)
    const refunds: unknown[] = []
    receiver.on('order_refunded', (event) => {
      refunds.push(event)
    })
    const delivery = signLemonSqueezy({ payload: ORDER, secret: SECRET })
    const rerouted = { ...delivery, headers: { ...delivery.headers, 'x-event-name': 'order_refunded' } }
    expect((await post(rerouted)).status).toBe(200)
    expect(refunds).toHaveLength(0)
  })

  it('runs a retry of the same body once (the dedup id is a hash of the body)', async () => {
    const { post, seen } = providerHarness(lemonSqueezy({ secret: SECRET }), NOW)
    const delivery = signLemonSqueezy({ payload: ORDER, secret: SECRET })
    expect((await post(delivery)).status).toBe(200)
    expect((await post(delivery)).status).toBe(200)
    const other = signLemonSqueezy({
      payload: { ...ORDER, data: { ...ORDER.data, id: '2' } },
      secret: SECRET,
    })
    expect((await post(other)).status).toBe(200)
    expect(seen.map((event) => (event.payload as typeof ORDER).data.id)).toEqual(['1', '2'])
  })

  it('answers 400 payload_invalid for a verified body without meta.event_name, running nothing', async () => {
    const { post, seen } = providerHarness(lemonSqueezy({ secret: SECRET }), NOW)
    const response = await post(signLemonSqueezy({ payload: { data: ORDER.data }, secret: SECRET }))
    expect(response.status).toBe(400)
    expect(problem(response).code).toBe('payload_invalid')
    expect(seen).toHaveLength(0)
  })

  it('refuses an API key (a JWT) at construction', () => {
    expect(() => lemonSqueezy({ secret: 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.x.y' })).toThrow(/API key/)
  })
})
