/**
 * Linear against `@linear/sdk`'s LinearWebhookClient: each accepts what the other side signs, and the signed
 * timestamp is the body's webhookTimestamp (milliseconds), not the Linear-Timestamp header.
 */
import { createHmac } from 'node:crypto'
import { LinearWebhookClient } from '@linear/sdk/webhooks'
import { describe, expect, it } from 'vitest'
import { linear } from '../../src/providers/linear.js'
import { signLinear } from '../../src/testing/index.js'
import { problem, providerHarness } from '../support/provider-harness.js'

const SECRET = 'lin_wh_conformance_secret'
const NOW = 1_700_000_000
const ISSUE = {
  action: 'create',
  type: 'Issue',
  data: { id: 'issue-1', title: 'Bug' },
  organizationId: 'org-1',
}

describe('Linear', () => {
  it("produces deliveries that @linear/sdk's LinearWebhookClient verifies", () => {
    // The SDK holds webhookTimestamp to a minute of its own clock: signed now.
    const delivery = signLinear({ payload: ISSUE, secret: SECRET })
    const client = new LinearWebhookClient(SECRET)
    expect(client.verify(Buffer.from(delivery.body), delivery.headers['linear-signature']!)).toBe(true)
    expect(() =>
      new LinearWebhookClient('lin_wh_other').verify(
        Buffer.from(delivery.body),
        delivery.headers['linear-signature']!,
      ),
    ).toThrow()
  })

  it('accepts the documented scheme, dispatching on the type with the body timestamp as the event time', async () => {
    const body = JSON.stringify({ ...ISSUE, webhookTimestamp: NOW * 1000 + 999 })
    const signature = createHmac('sha256', SECRET).update(body).digest('hex')
    const { post, seen } = providerHarness(linear({ secret: SECRET }), NOW)
    const headers = { 'linear-signature': signature, 'linear-delivery': 'd-1', 'linear-timestamp': '1' }
    expect((await post({ headers, body })).status).toBe(200)
    expect(seen.map((event) => [event.id, event.type, event.timestamp])).toEqual([['d-1', 'Issue', NOW]])
  })

  it('refuses a signed body without a numeric webhookTimestamp with 401 timestamp_invalid, running nothing', async () => {
    const { post, seen } = providerHarness(linear({ secret: SECRET }), NOW)
    for (const webhookTimestamp of [undefined, '1700000000000', 1.5, -1]) {
      const body = JSON.stringify({ ...ISSUE, webhookTimestamp })
      const response = await post(signLinear({ payload: body, secret: SECRET, deliveryId: 'd-2' }))
      expect(response.status).toBe(401)
      expect(problem(response).code).toBe('timestamp_invalid')
    }
    expect(seen).toHaveLength(0)
  })

  it('treats a captured delivery replayed under another Linear-Delivery as a duplicate', async () => {
    const { post, seen } = providerHarness(linear({ secret: SECRET }), NOW)
    const delivery = signLinear({ payload: ISSUE, secret: SECRET, timestamp: NOW, deliveryId: 'd-3' })
    expect((await post(delivery)).status).toBe(200)
    const replay = { ...delivery, headers: { ...delivery.headers, 'linear-delivery': 'd-4' } }
    expect((await post(replay)).status).toBe(200)
    expect(seen).toHaveLength(1)
  })

  it('refuses a Linear API key at construction', () => {
    expect(() => linear({ secret: 'lin_api_0123456789abcdef' })).toThrow(/linear\(\{ secret \}\).*API key/)
  })
})
