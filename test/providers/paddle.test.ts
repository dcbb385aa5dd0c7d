/**
 * Paddle Billing against `@paddle/paddle-node-sdk`: the SDK accepts what signPaddle sends, the provider accepts
 * what Paddle's scheme produces, and the fields Paddle documents are where the provider reads them.
 */
import { createHmac } from 'node:crypto'
import { Paddle } from '@paddle/paddle-node-sdk'
import { describe, expect, it } from 'vitest'
import { paddle } from '../../src/providers/paddle.js'
import { signPaddle } from '../../src/testing/index.js'
import { problem, providerHarness } from '../support/provider-harness.js'

const SECRET = 'pdl_ntfset_01gkpjp8bkh3ba5gvwp0zwpw7z_6Yd7u3tKBbVrnjGTULNuWDvXa7jFuSeK'
const NOW = 1_700_000_000
// The SDK picks its crypto runtime when a client is made; the key is never used (no API call is made).
const sdk = new Paddle('pdl_sdbx_apikey_conformance')
const EVENT = {
  event_id: 'evt_01hv8wptq8987qeep44cyrewp9',
  event_type: 'transaction.completed',
  occurred_at: '2024-04-12T10:18:49.621022Z',
  notification_id: 'ntf_01hv8wpts6fq9e8sfe3m6e3z6k',
  data: { id: 'txn_01hv8wnwp7e6a9x6g1nqxpqe2j', status: 'completed' },
}

describe('Paddle', () => {
  it('produces notifications whose signature the Paddle SDK accepts, and only under their secret', async () => {
    // The SDK refuses a ts more than 5 s old, so this one is signed now.
    const delivery = signPaddle({ payload: EVENT, secret: SECRET, timestamp: Math.floor(Date.now() / 1000) })
    const header = delivery.headers['paddle-signature']!
    expect(await sdk.webhooks.isSignatureValid(delivery.body, SECRET, header)).toBe(true)
    expect(await sdk.webhooks.isSignatureValid(delivery.body, `${SECRET}x`, header)).toBe(false)
  })

  it('accepts the scheme as documented (hex HMAC-SHA256 of "<ts>:<body>") and reads event_id and event_type', async () => {
    const body = JSON.stringify(EVENT)
    const h1 = createHmac('sha256', SECRET).update(`${NOW}:${body}`).digest('hex')
    const { post, seen } = providerHarness(paddle({ secret: SECRET }), NOW)
    const response = await post({ headers: { 'paddle-signature': `ts=${NOW};h1=${h1}` }, body })
    expect(response.status).toBe(200)
    expect(seen.map((event) => [event.id, event.type, event.timestamp])).toEqual([
      [EVENT.event_id, 'transaction.completed', NOW],
    ])
  })

  it('accepts a header with two h1 signatures while Paddle rotates the secret, either one valid', async () => {
    const delivery = signPaddle({ payload: EVENT, secret: SECRET, timestamp: NOW })
    const valid = delivery.headers['paddle-signature']!.split(';h1=')[1]
    const { post } = providerHarness(paddle({ secret: SECRET }), NOW)
    const header = `ts=${NOW};h1=${'0'.repeat(64)};h1=${valid}`
    expect((await post({ ...delivery, headers: { 'paddle-signature': header } })).status).toBe(200)
  })

  it('answers 400 payload_invalid for a verified body without event_id, running nothing', async () => {
    const { post, seen } = providerHarness(paddle({ secret: SECRET }), NOW)
    const { event_id: _, ...noId } = EVENT
    const response = await post(signPaddle({ payload: noId, secret: SECRET, timestamp: NOW }))
    expect(response.status).toBe(400)
    expect(problem(response).code).toBe('payload_invalid')
    expect(seen).toHaveLength(0)
  })

  it('refuses an API key at construction, naming the option and not the value', () => {
    const key = 'pdl_live_apikey_01gtgztp8f4kek3yd4g1wrksa3_q6TGTJyvoIz7LDtXT65bX7_AQO'
    expect(() => paddle({ secret: key })).toThrow(/paddle\(\{ secret \}\).*API key/)
    expect(() => paddle({ secret: key })).not.toThrow(new RegExp(key))
  })
})
