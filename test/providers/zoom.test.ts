/**
 * Zoom: `x-zm-signature: v0=<hex HMAC-SHA256 of "v0:<x-zm-request-timestamp>:<body>">` and the
 * `endpoint.url_validation` challenge answered `{ plainToken, encryptedToken }` (Zoom docs, "Using webhooks" →
 * "Verify webhook events" and "Validate your webhook endpoint"), computed here independently with node:crypto the
 * way Zoom's webhook sample computes them.
 */
import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createReceiver, memoryStore, type WebhookEvent, type WebhookResponse } from '../../src/index.js'
import { zoom } from '../../src/providers/zoom.js'
import { signZoom } from '../../src/testing/index.js'
import { silentLogger } from '../support/helpers.js'

const NOW = 1_700_000_000
const SECRET = 'zoom-secret-token-0001'

function setup(secret: string | string[] = SECRET) {
  const store = memoryStore()
  const reserved: string[] = []
  const reserve = store.reserve.bind(store)
  store.reserve = (key, token, leaseMs) => {
    reserved.push(key)
    return reserve(key, token, leaseMs)
  }
  const receiver = createReceiver({
    provider: zoom({ secret }),
    store,
    now: () => NOW * 1000,
    logger: silentLogger(),
  })
  const seen: WebhookEvent[] = []
  receiver.onAny((event) => {
    seen.push(event)
  })
  const post = (delivery: { headers: Record<string, string>; body: string }): Promise<WebhookResponse> =>
    receiver.handle({ method: 'POST', url: '/zoom', headers: delivery.headers, body: delivery.body })
  return { seen, post, reserved }
}

/** What Zoom sends, signed as its webhook sample checks it. */
function zoomDelivery(body: string, secret = SECRET, timestamp = NOW) {
  const signature = createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')
  return {
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'x-zm-request-timestamp': String(timestamp),
      'x-zm-signature': `v0=${signature}`,
    },
    body,
  }
}

const validation = (plainToken: string) =>
  JSON.stringify({ payload: { plainToken }, event_ts: NOW * 1000, event: 'endpoint.url_validation' })

describe('Zoom signatures', () => {
  it('writes with signZoom exactly what Zoom signs, and accepts it', async () => {
    const payload = { event: 'meeting.started', event_ts: NOW * 1000, payload: { object: { id: 1 } } }
    const delivery = signZoom({ payload, secret: SECRET, timestamp: NOW })
    expect(delivery.headers).toEqual(zoomDelivery(delivery.body).headers)
    const { post, seen } = setup()
    expect((await post(delivery)).status).toBe(200)
    expect(seen.map((event) => [event.type, event.timestamp])).toEqual([['meeting.started', NOW]])
    expect(seen[0]!.id).toMatch(/^sha256:[0-9a-f]{64}$/)
  })

  it('treats a retry (the same body) as a duplicate, Zoom sending no event id', async () => {
    const { post, seen } = setup()
    const delivery = zoomDelivery(JSON.stringify({ event: 'meeting.ended', event_ts: 1, payload: {} }))
    expect((await post(delivery)).status).toBe(200)
    expect(JSON.parse((await post(delivery)).body)).toEqual({ received: true, duplicate: true })
    expect(seen).toHaveLength(1)
  })
})

describe('Zoom endpoint.url_validation', () => {
  it('answers { plainToken, encryptedToken }, the hex HMAC-SHA256 of the plain token, with no handler or store', async () => {
    const { post, seen, reserved } = setup()
    const response = await post(zoomDelivery(validation('qgg8vlvZRS6UYooatFL8Aw')))
    expect(response.status).toBe(200)
    expect(response.headers['content-type']).toBe('application/json')
    expect(JSON.parse(response.body)).toEqual({
      plainToken: 'qgg8vlvZRS6UYooatFL8Aw',
      encryptedToken: createHmac('sha256', SECRET).update('qgg8vlvZRS6UYooatFL8Aw').digest('hex'),
    })
    expect(seen).toHaveLength(0)
    expect(reserved).toHaveLength(0)
  })

  it('answers with the secret that signed the challenge while rotating', async () => {
    const { post } = setup(['zoom-new-secret', SECRET])
    const response = await post(zoomDelivery(validation('plain-1'), SECRET))
    expect(JSON.parse(response.body).encryptedToken).toBe(
      createHmac('sha256', SECRET).update('plain-1').digest('hex'),
    )
    const current = await post(zoomDelivery(validation('plain-2'), 'zoom-new-secret'))
    expect(JSON.parse(current.body).encryptedToken).toBe(
      createHmac('sha256', 'zoom-new-secret').update('plain-2').digest('hex'),
    )
  })

  it('does not answer an unsigned or wrongly signed challenge, nor one without a plainToken', async () => {
    const { post } = setup()
    const unsigned = await post({ headers: { 'content-type': 'application/json' }, body: validation('p') })
    expect(unsigned.status).toBe(401)
    expect(unsigned.body).not.toContain('encryptedToken')
    expect((await post(zoomDelivery(validation('p'), 'another-secret'))).status).toBe(401)
    const empty = await post(
      zoomDelivery(JSON.stringify({ event: 'endpoint.url_validation', payload: {}, event_ts: 1 })),
    )
    expect(JSON.parse(empty.body)).toMatchObject({ status: 400, code: 'payload_invalid' })
  })

  it('refuses a body without an event name with 400 payload_invalid', async () => {
    const { post } = setup()
    for (const body of ['{}', '[]', '{"event":""}', '{"event":1}']) {
      expect(JSON.parse((await post(zoomDelivery(body))).body)).toMatchObject({ code: 'payload_invalid' })
    }
  })
})
