/**
 * Twitch EventSub webhooks (Twitch docs, "Handling Webhook Events"): the signature over message id + timestamp +
 * body computed here independently as the docs' Node sample does, the RFC 3339 timestamp and Twitch's own 10-minute
 * tolerance, the callback verification answered with the raw challenge, notifications and revocations dispatched,
 * and the kind of message read from the signed body rather than the unsigned type header.
 */
import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createReceiver, memoryStore, type WebhookEvent, type WebhookResponse } from '../../src/index.js'
import { twitch } from '../../src/providers/twitch.js'
import { signTwitch } from '../../src/testing/index.js'
import { silentLogger } from '../support/helpers.js'

const NOW = 1_700_000_000
const SECRET = 'twitch-eventsub-secret-0001'
const SUBSCRIPTION = {
  id: 'f1c2a387-161a-49f9-a165-0f21d7a4e1c4',
  type: 'channel.follow',
  version: '2',
  status: 'enabled',
  cost: 0,
  condition: { broadcaster_user_id: '1337', moderator_user_id: '1337' },
  transport: { method: 'webhook', callback: 'https://example.com/webhooks/callback' },
  created_at: '2019-11-16T10:11:12.634234626Z',
}

function setup(options: { tolerance?: number; now?: number } = {}) {
  const store = memoryStore()
  const reserved: string[] = []
  const reserve = store.reserve.bind(store)
  store.reserve = (key, token, leaseMs) => {
    reserved.push(key)
    return reserve(key, token, leaseMs)
  }
  const receiver = createReceiver({
    provider: twitch({ secret: SECRET }),
    store,
    now: () => (options.now ?? NOW) * 1000,
    logger: silentLogger(),
    ...(options.tolerance === undefined ? {} : { tolerance: options.tolerance }),
  })
  const seen: WebhookEvent[] = []
  receiver.onAny((event) => {
    seen.push(event)
  })
  const post = (delivery: { headers: Record<string, string>; body: string }): Promise<WebhookResponse> =>
    receiver.handle({ method: 'POST', url: '/twitch', headers: delivery.headers, body: delivery.body })
  return { seen, post, reserved }
}

/** A message as Twitch sends it, signed as the docs' sample verifies it: HMAC-SHA256 of id + timestamp + body. */
function twitchMessage(type: string, body: string, id = 'befa7b53-d79d-478f-86b9-120f112b044e', at = NOW) {
  const timestamp = new Date(at * 1000).toISOString().replace('.000Z', '.634234626Z')
  const hmac = createHmac('sha256', SECRET)
    .update(id + timestamp + body)
    .digest('hex')
  return {
    headers: {
      'content-type': 'application/json',
      'twitch-eventsub-message-id': id,
      'twitch-eventsub-message-retry': '0',
      'twitch-eventsub-message-type': type,
      'twitch-eventsub-message-signature': `sha256=${hmac}`,
      'twitch-eventsub-message-timestamp': timestamp,
      'twitch-eventsub-subscription-type': 'channel.follow',
      'twitch-eventsub-subscription-version': '2',
    },
    body,
  }
}

const follow = JSON.stringify({
  subscription: SUBSCRIPTION,
  event: {
    user_id: '1234',
    user_login: 'cool_user',
    broadcaster_user_id: '1337',
    followed_at: '2020-07-15T18:16:11.17106713Z',
  },
})

const problem = (response: WebhookResponse) => JSON.parse(response.body) as { code: string; status: number }

describe('Twitch EventSub signatures and timestamps', () => {
  it('accepts a notification signed as Twitch signs it, typed by its subscription, deduplicated on the message id', async () => {
    const { post, seen } = setup()
    const message = twitchMessage('notification', follow)
    expect((await post(message)).status).toBe(200)
    expect(JSON.parse((await post(message)).body)).toEqual({ received: true, duplicate: true })
    expect(seen.map((event) => [event.type, event.id, event.timestamp, event.attempt])).toEqual([
      ['channel.follow', 'befa7b53-d79d-478f-86b9-120f112b044e', NOW, 1],
    ])
  })

  it('writes with signTwitch the headers Twitch sends, signed the same way', async () => {
    const payload = JSON.parse(follow) as unknown
    const delivery = signTwitch({ payload, secret: SECRET, messageId: 'm1', timestamp: NOW, retry: 2 })
    const timestamp = delivery.headers['twitch-eventsub-message-timestamp']!
    expect(timestamp).toBe('2023-11-14T22:13:20.000000000Z')
    expect(delivery.headers['twitch-eventsub-message-signature']).toBe(
      `sha256=${createHmac('sha256', SECRET).update(`m1${timestamp}${delivery.body}`).digest('hex')}`,
    )
    expect(delivery.headers).toMatchObject({
      'twitch-eventsub-message-type': 'notification',
      'twitch-eventsub-subscription-type': 'channel.follow',
    })
    const { post, seen } = setup()
    expect((await post(delivery)).status).toBe(200)
    expect(seen[0]!.attempt).toBe(3)
  })

  it("holds the timestamp to Twitch's 10 minutes by default, and to the receiver's tolerance when one is set", async () => {
    const old = twitchMessage('notification', follow, 'm-old', NOW - 590)
    expect((await setup().post(old)).status).toBe(200)
    expect(problem(await setup().post(twitchMessage('notification', follow, 'm', NOW - 610)))).toMatchObject({
      code: 'timestamp_out_of_tolerance',
    })
    expect(problem(await setup({ tolerance: 300 }).post(old))).toMatchObject({
      code: 'timestamp_out_of_tolerance',
    })
  })

  it('refuses a timestamp that is not RFC 3339 with 401 timestamp_invalid, once the signature is good', async () => {
    const { post } = setup()
    for (const timestamp of [String(NOW), '2023-11-14 22:13:20Z', '2023-11-14T22:13:20.1234567890Z', 'x']) {
      const hmac = createHmac('sha256', SECRET).update(`m${timestamp}${follow}`).digest('hex')
      const message = twitchMessage('notification', follow, 'm')
      message.headers['twitch-eventsub-message-timestamp'] = timestamp
      message.headers['twitch-eventsub-message-signature'] = `sha256=${hmac}`
      expect(problem(await post(message)), timestamp).toMatchObject({ code: 'timestamp_invalid' })
    }
  })
})

describe('Twitch EventSub messages', () => {
  it('answers webhook_callback_verification with the raw challenge as text/plain, with no handler or store', async () => {
    const { post, seen, reserved } = setup()
    const body = JSON.stringify({
      challenge: 'pogchamp-kappa-360noscope-vohiyo',
      subscription: { ...SUBSCRIPTION, status: 'webhook_callback_verification_pending' },
    })
    const response = await post(twitchMessage('webhook_callback_verification', body))
    expect(response).toEqual({
      status: 200,
      headers: { 'content-type': 'text/plain' },
      body: 'pogchamp-kappa-360noscope-vohiyo',
    })
    expect(seen).toHaveLength(0)
    expect(reserved).toHaveLength(0)
  })

  it('dispatches a revocation as "revocation", with the subscription saying why', async () => {
    const { post, seen } = setup()
    const body = JSON.stringify({ subscription: { ...SUBSCRIPTION, status: 'authorization_revoked' } })
    expect((await post(twitchMessage('revocation', body))).status).toBe(200)
    expect(seen.map((event) => event.type)).toEqual(['revocation'])
    expect(seen[0]!.payload).toMatchObject({ subscription: { status: 'authorization_revoked' } })
  })

  it('reads the kind of message from the signed body, not from the unsigned type header', async () => {
    const { post, seen } = setup()
    const asVerification = twitchMessage('webhook_callback_verification', follow)
    const response = await post(asVerification)
    expect(response.headers['content-type']).toBe('application/json')
    expect(seen.map((event) => event.type)).toEqual(['channel.follow'])
  })

  it('refuses a body without a subscription type with 400 payload_invalid', async () => {
    const { post } = setup()
    for (const body of ['{}', '[]', '{"subscription":{}}', '{"subscription":"x","event":{}}']) {
      expect(problem(await post(twitchMessage('notification', body, `m-${body}`)))).toMatchObject({
        status: 400,
        code: 'payload_invalid',
      })
    }
  })

  it('refuses a secret of the wrong length at construction, naming the option', () => {
    expect(() => twitch({ secret: 'short' })).toThrow(/twitch\(\{ secret \}\).*10 to 100 characters/)
    expect(() => twitch({ secret: 'x'.repeat(101) })).toThrow(/10 to 100 characters/)
  })
})
