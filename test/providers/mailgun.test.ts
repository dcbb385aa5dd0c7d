/**
 * Mailgun: the body's `signature` object `{ timestamp, token, signature }`, the signature the hex HMAC-SHA256 of
 * `timestamp + token` under the Webhook Signing Key (Mailgun docs, "Securing Webhooks"), computed here independently
 * with node:crypto as those docs describe; the token as the replay id; `event-data.id` as the dedup id.
 */
import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createReceiver, type WebhookEvent, type WebhookResponse } from '../../src/index.js'
import { mailgun } from '../../src/providers/mailgun.js'
import { signMailgun } from '../../src/testing/index.js'
import { silentLogger } from '../support/helpers.js'

const NOW = 1_770_920_772
const SIGNING_KEY = 'mailgun-webhook-signing-key-0001'
const PARENT_KEY = 'mailgun-parent-signing-key-0002'
/** The token and timestamp of Mailgun's "Securing Webhooks" example. */
const TOKEN = 'e0b5477167110d68991efc6b9f89f0a11066af27834600e123'

function setup(signingKey: string | string[] = SIGNING_KEY) {
  const receiver = createReceiver({
    provider: mailgun({ signingKey }),
    now: () => NOW * 1000,
    logger: silentLogger(),
  })
  const seen: WebhookEvent[] = []
  receiver.onAny((event) => {
    seen.push(event)
  })
  const post = (body: string): Promise<WebhookResponse> =>
    receiver.handle({
      method: 'POST',
      url: '/mailgun',
      headers: { 'content-type': 'application/json' },
      body,
    })
  return { seen, post }
}

const hmacOf = (key: string, timestamp: string, token: string) =>
  createHmac('sha256', key)
    .update(timestamp + token)
    .digest('hex')

/** What Mailgun posts, signed as its docs say. */
function mailgunBody(
  eventData: unknown,
  options: { token?: string; timestamp?: string | number; key?: string } = {},
) {
  const timestamp = options.timestamp ?? String(NOW)
  const token = options.token ?? TOKEN
  const signature = hmacOf(options.key ?? SIGNING_KEY, String(timestamp), token)
  return JSON.stringify({ signature: { token, timestamp, signature }, 'event-data': eventData })
}

const DELIVERED = {
  event: 'delivered',
  id: 'CPgfbmQMTCKtHW6uIWtuVe',
  timestamp: 1521472262.908181,
  recipient: 'alice@example.com',
  'delivery-status': { code: 250, message: 'OK' },
}

describe('Mailgun signatures', () => {
  it('writes with signMailgun exactly the signature Mailgun sends, and accepts it', async () => {
    const delivery = signMailgun({
      payload: DELIVERED,
      signingKey: SIGNING_KEY,
      timestamp: NOW,
      token: TOKEN,
    })
    expect(delivery.body).toBe(mailgunBody(DELIVERED))
    const generated = JSON.parse(signMailgun({ payload: DELIVERED, signingKey: SIGNING_KEY }).body).signature
    expect(generated.token).toMatch(/^[0-9a-f]{50}$/)
    const { seen, post } = setup()
    expect((await post(delivery.body)).status).toBe(200)
    expect(seen.map((event) => [event.id, event.type, event.timestamp])).toEqual([
      ['CPgfbmQMTCKtHW6uIWtuVe', 'delivered', NOW],
    ])
    expect(seen[0]!.payload).toEqual(JSON.parse(delivery.body))
  })

  it('signMailgun refuses an event-data that is not an object', () => {
    for (const payload of [['delivered'], 'delivered', null])
      expect(() => signMailgun({ payload, signingKey: SIGNING_KEY })).toThrow(
        /^signMailgun\(\{ payload \}\): the payload is the "event-data" object/,
      )
  })

  it("accepts a subaccount's parent-signature under the primary account's key", async () => {
    const body = JSON.parse(mailgunBody(DELIVERED, { key: 'a subaccount key we do not know' }))
    body.signature['parent-signature'] = hmacOf(PARENT_KEY, String(NOW), TOKEN)
    expect((await setup(PARENT_KEY).post(JSON.stringify(body))).status).toBe(200)
    expect((await setup(SIGNING_KEY).post(JSON.stringify(body))).status).toBe(401)
  })

  it('reads a timestamp written as a number as its decimal text', async () => {
    const { post } = setup()
    expect((await post(mailgunBody(DELIVERED, { timestamp: NOW }))).status).toBe(200)
    const fraction = await post(mailgunBody(DELIVERED, { timestamp: NOW + 0.5, token: `${TOKEN}x` }))
    expect(JSON.parse(fraction.body).code).toBe('signature_invalid')
  })

  it('refuses a body that is not JSON, or a legacy form webhook, with 401 signature_missing, saying to use JSON', async () => {
    const { post, seen } = setup()
    const form = new URLSearchParams({
      timestamp: String(NOW),
      token: TOKEN,
      signature: hmacOf(SIGNING_KEY, String(NOW), TOKEN),
      event: 'delivered',
    }).toString()
    for (const body of [form, '[]', '"x"', '{"event-data":{"event":"delivered"}}']) {
      const response = await post(body)
      expect(response.status, body).toBe(401)
      expect(JSON.parse(response.body)).toMatchObject({
        code: 'signature_missing',
        detail: expect.stringMatching(/JSON/),
      })
    }
    expect(seen).toHaveLength(0)
  })

  it('refuses a verified body without event-data.event with 400 payload_invalid', async () => {
    const response = await setup().post(mailgunBody({ id: 'x' }))
    expect(response.status).toBe(400)
    expect(JSON.parse(response.body).code).toBe('payload_invalid')
  })
})

describe('Mailgun replays and retries', () => {
  it('takes a token seen before as a replay, whatever event the body now carries (event-data is not signed)', async () => {
    const { seen, post } = setup()
    expect((await post(mailgunBody(DELIVERED))).status).toBe(200)
    const forged = mailgunBody({ ...DELIVERED, id: 'another-event-id', event: 'failed' })
    expect((await post(forged)).status).toBe(200)
    expect(seen.map((event) => event.type)).toEqual(['delivered'])
  })

  it('takes a retry (signed anew, with a new token) of the same event id as a duplicate', async () => {
    const { seen, post } = setup()
    await post(mailgunBody(DELIVERED))
    expect((await post(mailgunBody(DELIVERED, { token: 'f'.repeat(50) }))).status).toBe(200)
    expect(seen).toHaveLength(1)
    await post(mailgunBody({ ...DELIVERED, id: 'next-event' }, { token: 'a'.repeat(50) }))
    expect(seen).toHaveLength(2)
  })

  it('uses the token as the dedup id of an event-data without an id', async () => {
    const { seen, post } = setup()
    const { id: _, ...withoutId } = DELIVERED
    await post(mailgunBody(withoutId))
    expect(seen.map((event) => event.id)).toEqual([TOKEN])
  })

  it('refuses a timestamp outside the tolerance even with a fresh token', async () => {
    const response = await setup().post(mailgunBody(DELIVERED, { timestamp: String(NOW - 301) }))
    expect(JSON.parse(response.body).code).toBe('timestamp_out_of_tolerance')
  })
})

describe('Mailgun credentials', () => {
  it('refuses the public validation key at construction, without echoing it', () => {
    const key = 'pubkey-0123456789abcdef0123456789abcdef'
    expect(() => mailgun({ signingKey: key })).toThrow(/signing key/)
    expect(() => mailgun({ signingKey: key })).not.toThrow(new RegExp(key))
  })
})
