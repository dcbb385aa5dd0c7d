/**
 * Razorpay against the `razorpay` SDK's validateWebhookSignature, and the unsigned event id header.
 */
import { createHmac } from 'node:crypto'
import Razorpay from 'razorpay'
import { describe, expect, it } from 'vitest'
import { razorpay } from '../../src/providers/razorpay.js'
import { signRazorpay } from '../../src/testing/index.js'
import { problem, providerHarness } from '../support/provider-harness.js'

const SECRET = 'razorpay webhook secret'
const NOW = 1_700_000_000
const EVENT = {
  entity: 'event',
  account_id: 'acc_BFQ7uQEaa7j2z7',
  event: 'payment.captured',
  contains: ['payment'],
  payload: { payment: { entity: { id: 'pay_DESlfW9H8K9uqM', amount: 100 } } },
  created_at: 1567674606,
}

describe('Razorpay', () => {
  it("produces deliveries that the razorpay SDK's validateWebhookSignature accepts", () => {
    const delivery = signRazorpay({ payload: EVENT, secret: SECRET })
    const signature = delivery.headers['x-razorpay-signature']!
    expect(Razorpay.validateWebhookSignature(delivery.body, signature, SECRET)).toBe(true)
    expect(Razorpay.validateWebhookSignature(delivery.body, signature, 'another secret')).toBe(false)
  })

  it('accepts the documented scheme and dispatches on the payload event under x-razorpay-event-id', async () => {
    const body = JSON.stringify(EVENT)
    const signature = createHmac('sha256', SECRET).update(body).digest('hex')
    const { post, seen } = providerHarness(razorpay({ secret: SECRET }), NOW)
    const headers = { 'x-razorpay-signature': signature, 'x-razorpay-event-id': 'KzHGhO6tvPOfhu' }
    expect((await post({ headers, body })).status).toBe(200)
    expect(seen.map((event) => [event.id, event.type])).toEqual([['KzHGhO6tvPOfhu', 'payment.captured']])
  })

  it('treats a captured delivery replayed under another event id as a duplicate', async () => {
    const { post, seen } = providerHarness(razorpay({ secret: SECRET }), NOW)
    const delivery = signRazorpay({ payload: EVENT, secret: SECRET, eventId: 'evt-a' })
    expect((await post(delivery)).status).toBe(200)
    const replay = { ...delivery, headers: { ...delivery.headers, 'x-razorpay-event-id': 'evt-b' } }
    expect((await post(replay)).status).toBe(200)
    expect(seen).toHaveLength(1)
  })

  it('answers 400 header_missing without x-razorpay-event-id, running nothing', async () => {
    const { post, seen } = providerHarness(razorpay({ secret: SECRET }), NOW)
    const { 'x-razorpay-event-id': _, ...headers } = signRazorpay({ payload: EVENT, secret: SECRET }).headers
    const response = await post({ headers, body: JSON.stringify(EVENT) })
    expect(response.status).toBe(400)
    expect(problem(response).code).toBe('header_missing')
    expect(seen).toHaveLength(0)
  })

  it('refuses an API key id at construction', () => {
    expect(() => razorpay({ secret: 'rzp_live_ILgsfZCZoFIKMb' })).toThrow(
      /razorpay\(\{ secret \}\).*API key id/,
    )
  })
})
