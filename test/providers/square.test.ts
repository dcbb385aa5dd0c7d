/**
 * Square against the `square` SDK's WebhooksHelper.verifySignature, and the signed notification URL taken from the
 * option, never from the request.
 */
import { createHmac } from 'node:crypto'
import { WebhooksHelper } from 'square'
import { describe, expect, it } from 'vitest'
import { square } from '../../src/providers/square.js'
import { signSquare } from '../../src/testing/index.js'
import { problem, providerHarness } from '../support/provider-harness.js'

const KEY = 'Ibxx_5AKakO-3qeNVR61Dw'
const URL = 'https://example.com/webhooks/square'
const NOW = 1_700_000_000
const EVENT = {
  merchant_id: 'MLEFBHHSJGVHD',
  type: 'webhooks.test_notification',
  event_id: 'ac3ac95b-f97d-458c-a6e6-18981597e05f',
  created_at: '2022-07-13T20:30:59.037339943Z',
  data: { type: 'webhooks', id: 'bc368e64-01aa-407e-b46e-3231809b1129' },
}

describe('Square', () => {
  it("produces notifications that the square SDK's WebhooksHelper.verifySignature accepts, for their URL only", async () => {
    const delivery = signSquare({ payload: EVENT, signatureKey: KEY, notificationUrl: URL })
    const check = (notificationUrl: string) =>
      WebhooksHelper.verifySignature({
        requestBody: delivery.body,
        signatureHeader: delivery.headers['x-square-hmacsha256-signature']!,
        signatureKey: KEY,
        notificationUrl,
      })
    expect(await check(URL)).toBe(true)
    expect(await check(`${URL}/other`)).toBe(false)
  })

  it('accepts the documented scheme (base64 HMAC-SHA256 of URL + body) and reads event_id and type', async () => {
    const body = JSON.stringify(EVENT)
    const signature = createHmac('sha256', KEY)
      .update(URL + body)
      .digest('base64')
    const { post, seen } = providerHarness(square({ signatureKey: KEY, notificationUrl: URL }), NOW)
    // The request URL (here a tunnel's path) plays no part: the configured notification URL is what is signed.
    const response = await post({
      url: '/tunnel/abc',
      headers: { 'x-square-hmacsha256-signature': signature },
      body,
    })
    expect(response.status).toBe(200)
    expect(seen.map((event) => [event.id, event.type])).toEqual([
      [EVENT.event_id, 'webhooks.test_notification'],
    ])
  })

  it('refuses a notification signed for another URL, even when the forwarded headers name this one', async () => {
    const delivery = signSquare({
      payload: EVENT,
      signatureKey: KEY,
      notificationUrl: 'https://attacker.example/x',
    })
    const { post, seen } = providerHarness(square({ signatureKey: KEY, notificationUrl: URL }), NOW)
    const headers = {
      ...delivery.headers,
      'x-forwarded-host': 'attacker.example',
      'x-forwarded-proto': 'https',
    }
    const response = await post({ url: '/x', headers, body: delivery.body })
    expect(response.status).toBe(401)
    expect(problem(response).code).toBe('signature_invalid')
    expect(seen).toHaveLength(0)
  })

  it('takes the URL from a function of the request (one endpoint for several subscriptions)', async () => {
    const provider = square({
      signatureKey: KEY,
      notificationUrl: (request) => `https://example.com${request.url}`,
    })
    const { post } = providerHarness(provider, NOW)
    const delivery = signSquare({
      payload: EVENT,
      signatureKey: KEY,
      notificationUrl: 'https://example.com/sq/2',
    })
    expect((await post({ ...delivery, url: '/sq/2' })).status).toBe(200)
    expect((await post({ ...delivery, url: '/sq/3' })).status).toBe(401)
  })

  it('refuses at construction a missing notification URL, and an access token for the key', () => {
    expect(() => square({ signatureKey: KEY } as never)).toThrow(/square\(\{ notificationUrl \}\)/)
    expect(() => square({ signatureKey: 'EAAAl1234', notificationUrl: URL })).toThrow(/access token/)
  })
})
