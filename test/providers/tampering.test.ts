/**
 * One table, every provider of this suite: each changed signed byte (body, signature, signed timestamp, other
 * signed parts), a wrong secret, a missing or malformed signature header and a timestamp outside the tolerance is
 * refused with the documented status and code (README, "What the sender is told"), and no handler runs. Secret
 * rotation (a list; the old and the new both pass) works for each.
 */
import { createHmac, type KeyObject } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  createReceiver,
  isWebhookError,
  WebhookError,
  type Provider,
  type WebhookResponse,
} from '../../src/index.js'
import { gitlab } from '../../src/providers/gitlab.js'
import { hmac } from '../../src/providers/hmac.js'
import { sendgrid } from '../../src/providers/sendgrid.js'
import { shopify } from '../../src/providers/shopify.js'
import { slack } from '../../src/providers/slack.js'
import { standardWebhooks } from '../../src/providers/standard-webhooks.js'
import { twilio } from '../../src/providers/twilio.js'
import {
  generateSendGridKeyPair,
  generateStandardWebhooksKeyPair,
  signGitLab,
  signSendGrid,
  signShopify,
  signSlack,
  signStandardWebhooks,
  signTwilio,
} from '../../src/testing/index.js'
import { silentLogger } from '../support/helpers.js'

const NOW = 1_700_000_000

interface Delivery {
  url: string
  headers: Record<string, string>
  body: string
}

/** How one provider is set up, signs, and where its signed parts live. */
interface Case<C> {
  name: string
  /** Three credentials: the old and the new (rotation), and a stranger's. */
  credentials: () => [C, C, C]
  provider: (credentials: C[]) => Provider<any, any>
  /** A fresh delivery (a new event id each call) signed with `credential` at `timestamp`. */
  sign: (credential: C, timestamp: number) => Delivery
  signatureHeader: string
  /** Characters before this index are a fixed prefix (`v0=`, `sha256=`), not signature material. */
  signatureStart?: (value: string) => number
  /** False for GitLab, which sends a token and signs no content. */
  signsBody: boolean
  /** Rewrites the signed timestamp without re-signing; absent when the provider signs none. */
  retime?: (delivery: Delivery, timestamp: number) => Delivery
  /** Signature header values that cannot be read as a signature. */
  malformed: string[]
  /** Other signed parts, changed after signing. */
  otherTampers?: { what: string; apply: (delivery: Delivery) => Delivery }[]
}

let sequence = 0
const next = () => `${++sequence}`

const withHeader = (delivery: Delivery, name: string, value: string): Delivery => ({
  ...delivery,
  headers: { ...delivery.headers, [name]: value },
})

const hexAlphabet = '0123456789abcdef'
const base64Alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

/** Another character of the same alphabet, so the value keeps the signature's shape. */
function otherChar(char: string): string {
  for (const alphabet of [hexAlphabet, base64Alphabet]) {
    const at = alphabet.indexOf(char)
    if (at >= 0) return alphabet[(at + 1) % alphabet.length] as string
  }
  return String.fromCharCode(char.charCodeAt(0) ^ 1)
}

const shopifyCase: Case<string> = {
  name: 'Shopify',
  credentials: () => ['shopify-old-secret', 'shopify-new-secret', 'shopify-stranger'],
  provider: (secrets) => shopify({ secret: secrets }),
  sign: (secret, timestamp) => ({
    url: '/webhooks/shopify',
    ...signShopify({
      topic: 'orders/create',
      payload: { id: 1, note: 'é ✓' },
      secret,
      timestamp,
      eventId: next(),
    }),
  }),
  signatureHeader: 'x-shopify-hmac-sha256',
  signsBody: true,
  malformed: ['not base64!!', 'abc', createHmac('sha256', 'x').update('y').digest('hex')],
}

const slackCase: Case<string> = {
  name: 'Slack',
  credentials: () => ['slack-old-secret', 'slack-new-secret', 'slack-stranger'],
  provider: (secrets) => slack({ signingSecret: secrets }),
  sign: (signingSecret, timestamp) => ({
    url: '/slack/events',
    ...signSlack({
      signingSecret,
      timestamp,
      payload: {
        type: 'event_callback',
        event_id: `Ev${next()}`,
        event: { type: 'app_mention', text: 'hi' },
      },
    }),
  }),
  signatureHeader: 'x-slack-signature',
  signatureStart: () => 'v0='.length,
  signsBody: true,
  retime: (delivery, timestamp) => withHeader(delivery, 'x-slack-request-timestamp', String(timestamp)),
  malformed: ['abc', 'v0=zz', `v1=${'a'.repeat(64)}`, 'v0='],
}

// The URL is rebuilt from the request (Host + path), so the path and Host are signed parts too.
const twilioCase: Case<string> = {
  name: 'Twilio',
  credentials: () => ['twilio-old-token', 'twilio-new-token', 'twilio-stranger'],
  provider: (tokens) => twilio({ authToken: tokens }),
  sign: (authToken) => {
    const { url: _, ...delivery } = signTwilio({
      url: 'http://example.com/sms',
      authToken,
      params: {
        MessageSid: `SM${next()}`,
        From: '+15551234567',
        To: '+15557654321',
        Body: 'Hi & bye = 100%',
      },
    })
    return { url: '/sms', ...delivery, headers: { ...delivery.headers, host: 'example.com' } }
  },
  signatureHeader: 'x-twilio-signature',
  signsBody: true,
  malformed: ['not base64!!', 'abc', createHmac('sha1', 'x').update('y').digest('hex')],
  otherTampers: [
    { what: 'the path of the URL', apply: (delivery) => ({ ...delivery, url: '/smt' }) },
    { what: 'the Host of the URL', apply: (delivery) => withHeader(delivery, 'host', 'example.org') },
    { what: 'a query parameter added to the URL', apply: (delivery) => ({ ...delivery, url: '/sms?x=1' }) },
    {
      what: 'a form parameter added',
      apply: (delivery) => ({ ...delivery, body: `${delivery.body}&Extra=1` }),
    },
    {
      what: 'a form parameter removed',
      apply: (delivery) => ({ ...delivery, body: delivery.body.replace(/&?To=[^&]*/, '') }),
    },
  ],
}

const sendgridCase: Case<{ publicKey: string; privateKey: KeyObject }> = {
  name: 'SendGrid',
  credentials: () => [generateSendGridKeyPair(), generateSendGridKeyPair(), generateSendGridKeyPair()],
  provider: (keys) => sendgrid({ publicKey: keys.map((key) => key.publicKey) }),
  sign: (key, timestamp) => ({
    url: '/sendgrid',
    ...signSendGrid({
      privateKey: key.privateKey,
      timestamp,
      payload: [{ email: 'a@example.com', event: 'delivered', sg_event_id: `sg${next()}`, timestamp }],
    }),
  }),
  signatureHeader: 'x-twilio-email-event-webhook-signature',
  signsBody: true,
  retime: (delivery, timestamp) =>
    withHeader(delivery, 'x-twilio-email-event-webhook-timestamp', String(timestamp)),
  malformed: ['not base64!!', 'AAAA', Buffer.from('not a DER signature').toString('base64')],
}

const gitlabCase: Case<string> = {
  name: 'GitLab',
  credentials: () => ['gitlab-old-token', 'gitlab-new-token', 'gitlab-stranger'],
  provider: (tokens) => gitlab({ secretToken: tokens }),
  sign: (secretToken) => ({
    url: '/gitlab',
    ...signGitLab({
      secretToken,
      event: 'Push Hook',
      payload: { object_kind: 'push' },
      idempotencyKey: next(),
    }),
  }),
  signatureHeader: 'x-gitlab-token',
  signsBody: false,
  malformed: ['x'.repeat(10_000), ' gitlab-old-token', 'gitlab-old-token '],
}

const paddleField = (header: string, name: string) =>
  header
    .split(';')
    .filter((part) => part.startsWith(`${name}=`))
    .map((part) => part.slice(name.length + 1))

const paddleCase: Case<string> = {
  name: 'hmac() Paddle-style',
  credentials: () => ['pdl-old-secret', 'pdl-new-secret', 'pdl-stranger'],
  provider: (secrets) =>
    hmac({
      name: 'paddle',
      secret: secrets,
      header: 'paddle-signature',
      signaturesFrom: (value) => paddleField(value, 'h1'),
      timestampFrom: (headers) => paddleField(headers['paddle-signature'] ?? '', 'ts')[0],
      signedPayload: ({ timestamp, body }) => [`${timestamp}:`, body],
      idFrom: (payload) => (payload as { event_id: string }).event_id,
      typeFrom: (payload) => (payload as { event_type: string }).event_type,
    }),
  sign: (secret, timestamp) => {
    const body = JSON.stringify({ event_id: `evt_${next()}`, event_type: 'transaction.completed', data: {} })
    const h1 = createHmac('sha256', secret).update(`${timestamp}:${body}`).digest('hex')
    return { url: '/paddle', headers: { 'paddle-signature': `ts=${timestamp};h1=${h1}` }, body }
  },
  signatureHeader: 'paddle-signature',
  signatureStart: (value) => value.indexOf('h1=') + 3,
  signsBody: true,
  retime: (delivery, timestamp) =>
    withHeader(
      delivery,
      'paddle-signature',
      delivery.headers['paddle-signature']!.replace(/ts=\d+/, `ts=${timestamp}`),
    ),
  malformed: [
    'garbage',
    `ts=abc;h1=${'a'.repeat(64)}`,
    `ts=${NOW}`,
    `h1=${'a'.repeat(64)}`,
    `ts=${NOW};h1=zz`,
  ],
}

const plainHmacCase: Case<string> = {
  name: 'hmac() plain body',
  credentials: () => ['acme-old-secret', 'acme-new-secret', 'acme-stranger'],
  provider: (secrets) =>
    hmac({
      name: 'acme',
      secret: secrets,
      header: 'x-signature',
      prefix: 'sha256=',
      idFrom: 'x-delivery-id',
    }),
  sign: (secret) => {
    const body = JSON.stringify({ type: 'order.paid', order: { id: 42 } })
    const digest = createHmac('sha256', secret).update(body).digest('hex')
    return { url: '/acme', headers: { 'x-signature': `sha256=${digest}`, 'x-delivery-id': next() }, body }
  },
  signatureHeader: 'x-signature',
  signatureStart: () => 'sha256='.length,
  signsBody: true,
  malformed: ['garbage', 'sha256=zz', 'sha256=', `sha1=${'a'.repeat(40)}`, `SHA256=${'a'.repeat(64)}`],
}

const ed25519Case: Case<{ publicKey: string; privateKey: string }> = {
  name: 'Standard Webhooks v1a (Ed25519)',
  credentials: () => [
    generateStandardWebhooksKeyPair(),
    generateStandardWebhooksKeyPair(),
    generateStandardWebhooksKeyPair(),
  ],
  provider: (keys) => standardWebhooks({ publicKey: keys.map((key) => key.publicKey) }),
  sign: (key, timestamp) => ({
    url: '/hook',
    ...signStandardWebhooks({
      privateKey: key.privateKey,
      timestamp,
      id: `msg_${next()}`,
      payload: { type: 'user.created', data: { id: 'u1' } },
    }),
  }),
  signatureHeader: 'webhook-signature',
  signatureStart: () => 'v1a,'.length,
  signsBody: true,
  retime: (delivery, timestamp) => withHeader(delivery, 'webhook-timestamp', String(timestamp)),
  malformed: ['garbage', 'v1a,@@not base64@@', 'v1a', 'v1a,', `v1a,${Buffer.alloc(63).toString('base64')}`],
  otherTampers: [
    {
      what: 'the webhook-id',
      apply: (delivery) => withHeader(delivery, 'webhook-id', `${delivery.headers['webhook-id']}x`),
    },
  ],
}

const cases: Case<any>[] = [
  shopifyCase,
  slackCase,
  twilioCase,
  sendgridCase,
  gitlabCase,
  paddleCase,
  plainHmacCase,
  ed25519Case,
]

describe.each(cases)('$name', (c: Case<unknown>) => {
  const [oldCredential, newCredential, stranger] = c.credentials()

  function setup(credentials = [oldCredential]) {
    const receiver = createReceiver({
      provider: c.provider(credentials),
      now: () => NOW * 1000,
      logger: silentLogger(),
    })
    let runs = 0
    receiver.onAny(() => {
      runs++
    })
    const post = (
      delivery: Delivery | (Omit<Delivery, 'body'> & { body: Uint8Array }),
    ): Promise<WebhookResponse> =>
      receiver.handle({ method: 'POST', url: delivery.url, headers: delivery.headers, body: delivery.body })
    return { receiver, post, runs: () => runs }
  }

  async function expectRefused(response: Promise<WebhookResponse>, status: number, code: string) {
    const answer = await response
    expect(answer.status, answer.body).toBe(status)
    expect(answer.headers['content-type']).toBe('application/problem+json')
    expect(JSON.parse(answer.body)).toMatchObject({ status, code })
  }

  it('accepts an untouched delivery (the baseline the refusals below are measured against)', async () => {
    const { post, runs } = setup()
    expect((await post(c.sign(oldCredential, NOW))).status).toBe(200)
    expect(runs()).toBe(1)
  })

  if (c.signsBody) {
    it('refuses every single changed body byte with 401 signature_invalid, running no handler', async () => {
      const { post, runs } = setup()
      const delivery = c.sign(oldCredential, NOW)
      const bytes = Buffer.from(delivery.body)
      for (let index = 0; index < bytes.length; index++) {
        const mutated = Buffer.from(bytes)
        mutated[index] = (mutated[index] as number) ^ 0x01
        await expectRefused(post({ ...delivery, body: mutated }), 401, 'signature_invalid')
      }
      await expectRefused(post({ ...delivery, body: `${delivery.body} ` }), 401, 'signature_invalid')
      expect(runs()).toBe(0)
    })
  }

  it('refuses every single changed signature character with 401 signature_invalid, running no handler', async () => {
    const { post, runs } = setup()
    const delivery = c.sign(oldCredential, NOW)
    const value = delivery.headers[c.signatureHeader] as string
    const start = c.signatureStart?.(value) ?? 0
    for (let index = start; index < value.length; index++) {
      const changed = value.slice(0, index) + otherChar(value[index] as string) + value.slice(index + 1)
      await expectRefused(post(withHeader(delivery, c.signatureHeader, changed)), 401, 'signature_invalid')
    }
    expect(runs()).toBe(0)
  })

  if (c.retime !== undefined) {
    const retime = c.retime
    it('refuses a signed timestamp changed by one second with 401 signature_invalid, running no handler', async () => {
      const { post, runs } = setup()
      const delivery = c.sign(oldCredential, NOW)
      await expectRefused(post(retime(delivery, NOW + 1)), 401, 'signature_invalid')
      await expectRefused(post(retime(delivery, NOW - 1)), 401, 'signature_invalid')
      expect(runs()).toBe(0)
    })

    it('refuses a delivery signed 301 s ago with 401 timestamp_out_of_tolerance, running no handler', async () => {
      const { post, runs } = setup()
      await expectRefused(post(c.sign(oldCredential, NOW - 301)), 401, 'timestamp_out_of_tolerance')
      expect(runs()).toBe(0)
    })

    it('refuses a delivery signed 301 s ahead with 401 timestamp_out_of_tolerance, running no handler', async () => {
      const { post, runs } = setup()
      await expectRefused(post(c.sign(oldCredential, NOW + 301)), 401, 'timestamp_out_of_tolerance')
      expect(runs()).toBe(0)
    })

    it('accepts deliveries signed exactly 300 s ago and ahead (the tolerance is inclusive)', async () => {
      const { post, runs } = setup()
      expect((await post(c.sign(oldCredential, NOW - 300))).status).toBe(200)
      expect((await post(c.sign(oldCredential, NOW + 300))).status).toBe(200)
      expect(runs()).toBe(2)
    })
  }

  for (const tamper of c.otherTampers ?? []) {
    it(`refuses ${tamper.what} changed after signing with 401 signature_invalid, running no handler`, async () => {
      const { post, runs } = setup()
      await expectRefused(post(tamper.apply(c.sign(oldCredential, NOW))), 401, 'signature_invalid')
      expect(runs()).toBe(0)
    })
  }

  it("refuses a delivery signed with another party's secret with 401 signature_invalid, running no handler", async () => {
    const { post, runs } = setup()
    await expectRefused(post(c.sign(stranger, NOW)), 401, 'signature_invalid')
    expect(runs()).toBe(0)
  })

  it('refuses a delivery without the signature header with 401 signature_missing, running no handler', async () => {
    const { post, runs } = setup()
    const { [c.signatureHeader]: _, ...headers } = c.sign(oldCredential, NOW).headers
    await expectRefused(post({ ...c.sign(oldCredential, NOW), headers }), 401, 'signature_missing')
    expect(runs()).toBe(0)
  })

  it('refuses an empty signature header with 401 signature_missing, running no handler', async () => {
    const { post, runs } = setup()
    await expectRefused(
      post(withHeader(c.sign(oldCredential, NOW), c.signatureHeader, '')),
      401,
      'signature_missing',
    )
    expect(runs()).toBe(0)
  })

  it('refuses malformed signature headers with 401 signature_invalid, running no handler', async () => {
    const { post, runs } = setup()
    for (const value of c.malformed) {
      await expectRefused(
        post(withHeader(c.sign(oldCredential, NOW), c.signatureHeader, value)),
        401,
        'signature_invalid',
      )
    }
    expect(runs()).toBe(0)
  })

  it('throws a WebhookError with status and code from receiver.verify for a wrong secret', async () => {
    const { receiver } = setup()
    const delivery = c.sign(stranger, NOW)
    const error = await receiver
      .verify({ method: 'POST', url: delivery.url, headers: delivery.headers, body: delivery.body })
      .then(
        () => undefined,
        (thrown: unknown) => thrown,
      )
    expect(error).toBeInstanceOf(WebhookError)
    expect(isWebhookError(error)).toBe(true)
    expect(error).toMatchObject({ status: 401, code: 'signature_invalid' })
  })

  it('accepts deliveries signed with the old and with the new secret while rotating', async () => {
    const { post, runs } = setup([oldCredential, newCredential])
    expect((await post(c.sign(oldCredential, NOW))).status).toBe(200)
    expect((await post(c.sign(newCredential, NOW))).status).toBe(200)
    expect(runs()).toBe(2)
  })

  it('still refuses a third secret while rotating', async () => {
    const { post, runs } = setup([oldCredential, newCredential])
    await expectRefused(post(c.sign(stranger, NOW)), 401, 'signature_invalid')
    expect(runs()).toBe(0)
  })

  it('accepts only the new secret once the old one is removed', async () => {
    const { post, runs } = setup([newCredential])
    await expectRefused(post(c.sign(oldCredential, NOW)), 401, 'signature_invalid')
    expect((await post(c.sign(newCredential, NOW))).status).toBe(200)
    expect(runs()).toBe(1)
  })
})
