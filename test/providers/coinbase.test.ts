/**
 * Coinbase Commerce against `coinbase-commerce-node`'s Webhook helper: the SDK accepts what the signer sends, and
 * the event inside the delivery is what handlers get.
 */
import { createHmac } from 'node:crypto'
import coinbase from 'coinbase-commerce-node'
import { describe, expect, it } from 'vitest'
import { coinbaseCommerce } from '../../src/providers/coinbase.js'
import { signCoinbaseCommerce } from '../../src/testing/index.js'
import { problem, providerHarness } from '../support/provider-harness.js'

const SECRET = 'coinbase shared secret'
const NOW = 1_700_000_000
const EVENT = {
  id: '24934862-d980-46cb-9402-43c81b0cdba6',
  type: 'charge:confirmed',
  api_version: '2018-03-22',
  created_at: '2017-01-31T20:49:02Z',
  data: { code: '66BEOV2A' },
}

describe('Coinbase Commerce', () => {
  it("produces deliveries that coinbase-commerce-node's verifyEventBody accepts", () => {
    const delivery = signCoinbaseCommerce({ event: EVENT, secret: SECRET })
    const signature = delivery.headers['x-cc-webhook-signature']!
    expect(coinbase.Webhook.verifyEventBody(delivery.body, signature, SECRET).id).toBe(EVENT.id)
    expect(() => coinbase.Webhook.verifyEventBody(delivery.body, signature, 'other')).toThrow()
  })

  it('accepts the documented scheme; the dedup id is event.id and attempt_number the attempt', async () => {
    const body = JSON.stringify({
      id: 1,
      scheduled_for: '2017-01-31T20:50:02Z',
      attempt_number: 2,
      event: EVENT,
    })
    const signature = createHmac('sha256', SECRET).update(body).digest('hex')
    const { post, seen } = providerHarness(coinbaseCommerce({ secret: SECRET }), NOW)
    expect((await post({ headers: { 'x-cc-webhook-signature': signature }, body })).status).toBe(200)
    expect(seen.map((event) => [event.id, event.type, event.attempt])).toEqual([
      [EVENT.id, 'charge:confirmed', 2],
    ])
  })

  it('deduplicates a retry: a new delivery id and attempt around the same event', async () => {
    const { post, seen } = providerHarness(coinbaseCommerce({ secret: SECRET }), NOW)
    expect((await post(signCoinbaseCommerce({ event: EVENT, secret: SECRET, attempt: 1 }))).status).toBe(200)
    expect((await post(signCoinbaseCommerce({ event: EVENT, secret: SECRET, attempt: 2 }))).status).toBe(200)
    expect(seen).toHaveLength(1)
  })

  it('answers 400 payload_invalid for a verified body without an event, running nothing', async () => {
    const { post, seen } = providerHarness(coinbaseCommerce({ secret: SECRET }), NOW)
    const response = await post(signCoinbaseCommerce({ event: JSON.stringify({ id: 1 }), secret: SECRET }))
    expect(response.status).toBe(400)
    expect(problem(response).code).toBe('payload_invalid')
    expect(seen).toHaveLength(0)
  })
})
