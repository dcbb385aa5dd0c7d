/**
 * HubSpot v3 against `@hubspot/api-client`'s Signature.isValid: method, URI, body and the millisecond timestamp are
 * signed; the URI comes from the `url` option (with the request's query), never from the Host or forwarded headers;
 * a delivery is a batch of events.
 */
import { Signature } from '@hubspot/api-client'
import { describe, expect, it } from 'vitest'
import { hubspot } from '../../src/providers/hubspot.js'
import { signHubSpot } from '../../src/testing/index.js'
import { problem, providerHarness } from '../support/provider-harness.js'

const SECRET = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d'
const URL = 'https://example.com/webhooks/hubspot'
const NOW = 1_700_000_000
const BATCH = [
  {
    eventId: 100,
    subscriptionId: 25,
    portalId: 33,
    appId: 1160452,
    occurredAt: 1700000000000,
    subscriptionType: 'contact.creation',
    attemptNumber: 0,
    objectId: 123,
    changeSource: 'CRM',
  },
  {
    eventId: 101,
    subscriptionId: 26,
    portalId: 33,
    appId: 1160452,
    occurredAt: 1700000000000,
    subscriptionType: 'contact.propertyChange',
    attemptNumber: 2,
    objectId: 123,
    propertyName: 'email',
    propertyValue: 'a@example.com',
    changeSource: 'CRM',
  },
]

describe('HubSpot', () => {
  it("produces requests that @hubspot/api-client's Signature.isValid (v3) accepts", () => {
    // The SDK holds the timestamp to 5 minutes of its own clock: signed now.
    const delivery = signHubSpot({ payload: BATCH, clientSecret: SECRET, url: URL })
    const check = (url: string) =>
      Signature.isValid({
        signatureVersion: 'v3',
        signature: delivery.headers['x-hubspot-signature-v3']!,
        method: 'POST',
        clientSecret: SECRET,
        requestBody: delivery.body,
        url,
        timestamp: Number(delivery.headers['x-hubspot-request-timestamp']),
      })
    expect(check(URL)).toBe(true)
    expect(check(`${URL}?x=1`)).toBe(false)
  })

  it('accepts what the SDK signs and dispatches each event of the batch under its eventId', async () => {
    const body = JSON.stringify(BATCH)
    const timestamp = NOW * 1000
    const signature = Signature.getSignature('POST', 'v3', {
      signature: '',
      clientSecret: SECRET,
      requestBody: body,
      url: URL,
      timestamp,
    })
    const { post, seen } = providerHarness(hubspot({ clientSecret: SECRET, url: URL }), NOW)
    const headers = { 'x-hubspot-signature-v3': signature, 'x-hubspot-request-timestamp': String(timestamp) }
    expect((await post({ url: '/hooks', headers, body })).status).toBe(200)
    expect(seen.map((event) => [event.id, event.type, event.attempt, event.timestamp])).toEqual([
      ['100', 'contact.creation', 1, NOW],
      ['101', 'contact.propertyChange', 3, NOW],
    ])
  })

  it("signs the request's query with the configured URL, and decodes the escapes HubSpot decodes", async () => {
    const { post, seen } = providerHarness(hubspot({ clientSecret: SECRET, url: URL }), NOW)
    const signed = signHubSpot({
      payload: BATCH,
      clientSecret: SECRET,
      url: `${URL}?portal=33&at=a:b`,
      timestamp: NOW,
    })
    expect((await post({ ...signed, url: '/anything?portal=33&at=a%3Ab' })).status).toBe(200)
    expect((await post({ ...signed, url: '/anything?portal=34&at=a%3Ab' })).status).toBe(401)
    expect(seen).toHaveLength(2)
  })

  it('refuses a request signed for another host, whatever the forwarded headers say', async () => {
    const { post, seen } = providerHarness(hubspot({ clientSecret: SECRET, url: URL }), NOW)
    const delivery = signHubSpot({
      payload: BATCH,
      clientSecret: SECRET,
      url: 'https://attacker.example/webhooks/hubspot',
      timestamp: NOW,
    })
    const headers = { ...delivery.headers, 'x-forwarded-host': 'attacker.example', host: 'attacker.example' }
    const response = await post({ url: '/webhooks/hubspot', headers, body: delivery.body })
    expect(response.status).toBe(401)
    expect(problem(response).code).toBe('signature_invalid')
    expect(seen).toHaveLength(0)
  })

  it('refuses at construction a missing url, and an access token for the client secret', () => {
    expect(() => hubspot({ clientSecret: SECRET } as never)).toThrow(/hubspot\(\{ url \}\)/)
    expect(() => hubspot({ clientSecret: 'pat-na1-0000', url: URL })).toThrow(/access token/)
  })
})
