/**
 * Shopify conformance: our signer against `@shopify/shopify-api`'s own webhook validation, the SDK's signatures
 * against our receiver, both header families, the type/id mapping and dedup as the only replay protection.
 */
import '@shopify/shopify-api/adapters/node'
import { IncomingMessage, ServerResponse } from 'node:http'
import { Socket } from 'node:net'
import { ApiVersion, LogSeverity, shopifyApi } from '@shopify/shopify-api'
import { getHmac, RequestType, setUpValidRequest } from '@shopify/shopify-api/test-helpers'
import { describe, expect, it } from 'vitest'
import { createReceiver, memoryStore, type WebhookEvent, type WebhookResponse } from '../../src/index.js'
import { shopify } from '../../src/providers/shopify.js'
import { signShopify, type SignedDelivery } from '../../src/testing/index.js'
import { silentLogger } from '../support/helpers.js'

const NOW_MS = 1_700_000_000_000
const SECRET = 'shpss_conformance_secret'

const sdk = shopifyApi({
  apiKey: 'conformance-api-key',
  apiSecretKey: SECRET,
  hostName: 'app.example.com',
  apiVersion: ApiVersion.October25,
  isEmbeddedApp: false,
  // The SDK logs through this function; keep the run quiet.
  logger: { level: LogSeverity.Error, log: async () => {} },
})

/** What the SDK's node adapter reads: an IncomingMessage with the delivery's headers. */
async function sdkValidate(headers: Record<string, string>, rawBody: string) {
  const rawRequest = new IncomingMessage(new Socket())
  rawRequest.method = 'POST'
  rawRequest.url = '/webhooks/shopify'
  rawRequest.headers = { ...headers }
  const rawResponse = new ServerResponse(rawRequest)
  return sdk.webhooks.validate({ rawBody, rawRequest, rawResponse })
}

function setup(
  secret: string | string[] = SECRET,
  options: { clock?: () => number; dedupTtlMs?: number } = {},
) {
  const clock = options.clock ?? (() => NOW_MS)
  const receiver = createReceiver({
    provider: shopify({ secret }),
    now: clock,
    logger: silentLogger(),
    store: memoryStore({ now: clock }),
    ...(options.dedupTtlMs === undefined ? {} : { dedupTtlMs: options.dedupTtlMs }),
  })
  const seen: WebhookEvent[] = []
  receiver.onAny((event) => {
    seen.push(event)
  })
  const post = (delivery: { headers: Record<string, string>; body: string }): Promise<WebhookResponse> =>
    receiver.handle({
      method: 'POST',
      url: '/webhooks/shopify',
      headers: delivery.headers,
      body: delivery.body,
    })
  return { receiver, seen, post }
}

const problem = (response: WebhookResponse) => JSON.parse(response.body) as { code: string; status: number }

function order(topic = 'orders/create', ids: { eventId?: string; webhookId?: string } = {}): SignedDelivery {
  return signShopify({
    topic,
    payload: { id: 820982911946154500, email: 'jon@example.com', total_price: '11.00' },
    secret: SECRET,
    timestamp: NOW_MS / 1000,
    ...ids,
  })
}

/** The same delivery with the lower-case `shopify-*` names Shopify's newer deliveries use. */
function lowerCaseFamily(delivery: SignedDelivery): SignedDelivery {
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(delivery.headers)) {
    headers[name.startsWith('x-shopify-') ? name.slice(2) : name] = value
  }
  return { ...delivery, headers }
}

function without(delivery: SignedDelivery, ...names: string[]): SignedDelivery {
  const headers = { ...delivery.headers }
  for (const name of names) delete headers[name]
  return { ...delivery, headers }
}

describe('Shopify and the official SDK', () => {
  it("signShopify's delivery passes @shopify/shopify-api webhooks.validate", async () => {
    const delivery = order('orders/create', { eventId: 'evt-sdk-1', webhookId: 'wh-sdk-1' })
    const result = await sdkValidate(delivery.headers, delivery.body)
    expect(result).toMatchObject({
      valid: true,
      webhookType: 'webhooks',
      topic: 'ORDERS_CREATE',
      webhookId: 'wh-sdk-1',
      eventId: 'evt-sdk-1',
    })
  })

  it('the SDK refuses the same delivery once one body byte changes (the check above is live)', async () => {
    const delivery = order()
    const result = await sdkValidate(delivery.headers, delivery.body.replace('11.00', '12.00'))
    expect(result).toMatchObject({ valid: false, reason: 'invalid_hmac' })
  })

  it("the lower-case shopify-* delivery passes the SDK's Events validation too", async () => {
    const delivery = lowerCaseFamily(order('orders/create', { eventId: 'evt-lc', webhookId: 'wh-lc' }))
    const result = await sdkValidate(delivery.headers, delivery.body)
    expect(result).toMatchObject({ valid: true, webhookType: 'events', eventId: 'evt-lc' })
  })

  it("accepts a body signed with the SDK's getHmac test helper", async () => {
    const { post, seen } = setup()
    const body = JSON.stringify({ id: 1, title: 'From the SDK' })
    const headers = {
      'x-shopify-hmac-sha256': getHmac(body, SECRET),
      'x-shopify-topic': 'products/update',
      'x-shopify-webhook-id': 'wh-gethmac',
    }
    const response = await post({ headers, body })
    expect(response.status).toBe(200)
    expect(seen.map((event) => event.type)).toEqual(['products/update'])
  })

  it("accepts a request signed by the SDK's setUpValidRequest (RequestType.Extension)", async () => {
    const { post, seen } = setup()
    const signed = await setUpValidRequest(
      {
        type: RequestType.Extension,
        store: 'conformance-shop',
        apiSecretKey: SECRET,
        body: { id: 2, customer: { id: 3 } },
        headers: { 'X-Shopify-Topic': 'customers/update', 'X-Shopify-Webhook-Id': 'wh-setup' },
      },
      new Request('https://app.example.com/webhooks/shopify'),
    )
    const headers: Record<string, string> = {}
    signed.headers.forEach((value: string, name: string) => {
      headers[name] = value
    })
    const response = await post({ headers, body: await signed.text() })
    expect(response.status).toBe(200)
    expect(seen.map((event) => [event.type, event.id])).toEqual([['customers/update', 'wh-setup']])
  })
})

describe('Shopify deliveries', () => {
  it('accepts the lower-case shopify-* header family', async () => {
    const { post, seen } = setup()
    const response = await post(lowerCaseFamily(order('orders/paid', { eventId: 'evt-lower' })))
    expect(response.status).toBe(200)
    expect(seen.map((event) => [event.type, event.id])).toEqual([['orders/paid', 'evt-lower']])
  })

  it('dispatches on the topic header (orders/create) with the parsed body as payload', async () => {
    const { receiver, post } = setup()
    const received: WebhookEvent[] = []
    receiver.on('orders/create', (event) => {
      received.push(event)
    })
    expect((await post(order('orders/create'))).status).toBe(200)
    expect(received).toHaveLength(1)
    expect(received[0]).toMatchObject({
      type: 'orders/create',
      provider: 'shopify',
      payload: { email: 'jon@example.com' },
    })
    expect(received[0]?.timestamp).toBeUndefined()
  })

  it('uses X-Shopify-Event-Id as the event id when both ids are sent', async () => {
    const { post, seen } = setup()
    await post(order('orders/create', { eventId: 'evt-1', webhookId: 'wh-1' }))
    expect(seen.map((event) => event.id)).toEqual(['evt-1'])
  })

  it('falls back to X-Shopify-Webhook-Id when X-Shopify-Event-Id is absent', async () => {
    const { post, seen } = setup()
    await post(without(order('orders/create', { webhookId: 'wh-only' }), 'x-shopify-event-id'))
    expect(seen.map((event) => event.id)).toEqual(['wh-only'])
  })

  it('answers 400 header_missing when neither id header is sent, and runs nothing', async () => {
    const { post, seen } = setup()
    const response = await post(without(order(), 'x-shopify-event-id', 'x-shopify-webhook-id'))
    expect(response.status).toBe(400)
    expect(problem(response).code).toBe('header_missing')
    expect(seen).toHaveLength(0)
  })

  it('answers 400 header_missing when the topic header is absent, and runs nothing', async () => {
    const { post, seen } = setup()
    const response = await post(without(order(), 'x-shopify-topic'))
    expect(response.status).toBe(400)
    expect(problem(response).code).toBe('header_missing')
    expect(seen).toHaveLength(0)
  })

  it('runs a repeated event id once and answers the repeat 200 duplicate', async () => {
    const { post, seen } = setup()
    const first = order('orders/create', { eventId: 'evt-dup', webhookId: 'wh-a' })
    // A retry carries the same event id (and here even a new webhook id): still the same event.
    const retry = order('orders/create', { eventId: 'evt-dup', webhookId: 'wh-b' })
    expect((await post(first)).status).toBe(200)
    const again = await post(retry)
    expect(again.status).toBe(200)
    expect(JSON.parse(again.body)).toEqual({ received: true, duplicate: true })
    expect(seen).toHaveLength(1)
  })

  it('has no signed timestamp, so an old delivery is not refused for its age', async () => {
    const { post, seen } = setup()
    const old = signShopify({
      topic: 'orders/create',
      payload: { id: 1 },
      secret: SECRET,
      timestamp: 1_000_000_000,
    })
    expect((await post(old)).status).toBe(200)
    expect(seen).toHaveLength(1)
  })

  it('refuses a replay only while the id is remembered: dedupTtlMs is the replay window', async () => {
    let now = NOW_MS
    const { post, seen } = setup(SECRET, { clock: () => now, dedupTtlMs: 60_000 })
    const delivery = order('orders/create', { eventId: 'evt-replay' })
    await post(delivery)
    now += 59_000
    expect(JSON.parse((await post(delivery)).body)).toEqual({ received: true, duplicate: true })
    now += 2_000
    expect((await post(delivery)).status).toBe(200)
    expect(seen).toHaveLength(2)
  })
})
