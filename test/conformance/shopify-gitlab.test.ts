import { describe, expect, it } from 'vitest'
import { createReceiver } from '../../src/index.js'
import { gitlab } from '../../src/providers/gitlab.js'
import { shopify } from '../../src/providers/shopify.js'
import { signGitLab, signShopify } from '../../src/testing/index.js'
import { silentLogger } from '../support/helpers.js'

const post = (delivery: { headers: Record<string, string>; body: string }) => ({
  method: 'POST',
  url: '/',
  ...delivery,
})

describe('Shopify', () => {
  const secret = 'shopify app secret'
  const setup = () => {
    const receiver = createReceiver({ provider: shopify({ secret }), logger: silentLogger() })
    const seen: string[] = []
    receiver.onAny((event) => {
      seen.push(`${event.type}:${event.id}`)
    })
    return { receiver, seen }
  }

  it("is accepted by @shopify/shopify-api's webhook validation", async () => {
    await import('@shopify/shopify-api/adapters/node')
    const { shopifyApi, ApiVersion } = await import('@shopify/shopify-api')
    const api = shopifyApi({
      apiKey: 'key',
      apiSecretKey: secret,
      scopes: [],
      hostName: 'localhost',
      apiVersion: ApiVersion.October25,
      isEmbeddedApp: false,
      logger: { level: 0, log: () => undefined },
    })
    const delivery = signShopify({ topic: 'orders/create', payload: { id: 1 }, secret })
    const result = await api.webhooks.validate({
      rawBody: delivery.body,
      rawRequest: { headers: delivery.headers, method: 'POST', url: '/' } as never,
      rawResponse: {} as never,
    })
    expect(result.valid).toBe(true)
  })

  it('dispatches on the topic with X-Shopify-Event-Id as id, then X-Shopify-Webhook-Id', async () => {
    const { receiver, seen } = setup()
    const withEvent = signShopify({
      topic: 'orders/create',
      payload: { id: 1 },
      secret,
      eventId: 'ev-1',
      webhookId: 'wh-1',
    })
    expect((await receiver.handle(post(withEvent))).status).toBe(200)
    const { 'x-shopify-event-id': _, ...headers } = signShopify({
      topic: 'orders/paid',
      payload: { id: 2 },
      secret,
      webhookId: 'wh-2',
    }).headers
    const withoutEvent = { headers, body: JSON.stringify({ id: 2 }) }
    expect((await receiver.handle(post(withoutEvent))).status).toBe(200)
    expect(seen).toEqual(['orders/create:ev-1', 'orders/paid:wh-2'])
  })

  it('accepts the lower-case shopify-* header family', async () => {
    const { receiver, seen } = setup()
    const delivery = signShopify({ topic: 'products/update', payload: { id: 3 }, secret, eventId: 'ev-3' })
    const headers = Object.fromEntries(
      Object.entries(delivery.headers).map(([name, value]) => [
        name.replace(/^x-shopify-/, 'shopify-'),
        value,
      ]),
    )
    expect((await receiver.handle(post({ headers, body: delivery.body }))).status).toBe(200)
    expect(seen).toEqual(['products/update:ev-3'])
  })

  it('refuses a replayed delivery by its id, since Shopify signs no timestamp', async () => {
    const { receiver, seen } = setup()
    const delivery = signShopify({ topic: 'orders/create', payload: { id: 1 }, secret, eventId: 'ev-r' })
    await receiver.handle(post(delivery))
    expect(JSON.parse((await receiver.handle(post(delivery))).body)).toEqual({
      received: true,
      duplicate: true,
    })
    expect(seen).toHaveLength(1)
  })
})

describe('GitLab', () => {
  const secretToken = 'gitlab token'
  const setup = (tokens: string | string[] = secretToken) => {
    const receiver = createReceiver({ provider: gitlab({ secretToken: tokens }), logger: silentLogger() })
    const seen: string[] = []
    receiver.onAny((event) => {
      seen.push(`${event.type}:${event.id}`)
    })
    return { receiver, seen }
  }

  it('accepts the right token and refuses a wrong or missing one', async () => {
    const { receiver, seen } = setup()
    const good = signGitLab({
      event: 'Push Hook',
      payload: { object_kind: 'push' },
      secretToken,
      idempotencyKey: 'k1',
    })
    expect((await receiver.handle(post(good))).status).toBe(200)
    const wrong = signGitLab({ event: 'Push Hook', payload: { object_kind: 'push' }, secretToken: 'guess' })
    expect(JSON.parse((await receiver.handle(post(wrong))).body).code).toBe('signature_invalid')
    const { 'x-gitlab-token': _, ...headers } = good.headers
    expect(JSON.parse((await receiver.handle(post({ headers, body: good.body }))).body).code).toBe(
      'signature_missing',
    )
    expect(seen).toEqual(['Push Hook:k1'])
  })

  it('uses Idempotency-Key, then X-Gitlab-Event-UUID, then a body hash as the dedup id', async () => {
    const { receiver, seen } = setup()
    const delivery = signGitLab({
      event: 'Issue Hook',
      payload: { object_kind: 'issue' },
      secretToken,
      idempotencyKey: 'idem',
    })
    await receiver.handle(post(delivery))
    const { 'idempotency-key': _, ...withUuid } = delivery.headers
    await receiver.handle(post({ headers: withUuid, body: delivery.body }))
    const { 'x-gitlab-event-uuid': __, ...bare } = withUuid
    await receiver.handle(post({ headers: bare, body: delivery.body }))
    await receiver.handle(post({ headers: bare, body: delivery.body })) // the same bytes again: a duplicate
    expect(seen).toEqual([
      'Issue Hook:idem',
      `Issue Hook:${delivery.headers['x-gitlab-event-uuid']}`,
      expect.stringMatching(/^Issue Hook:sha256:[0-9a-f]{64}$/),
    ])
  })

  it('accepts the old and the new token while rotating', async () => {
    const { receiver } = setup(['new token', secretToken])
    for (const token of ['new token', secretToken]) {
      expect(
        (await receiver.handle(post(signGitLab({ event: 'Push Hook', payload: {}, secretToken: token }))))
          .status,
      ).toBe(200)
    }
  })
})
