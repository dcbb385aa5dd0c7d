/**
 * The same refusals for every provider: a changed body byte, a wrong secret, a missing or malformed signature
 * header and (where a timestamp is signed) one outside the tolerance each get their documented status and code,
 * and no handler runs. Rotation: old and new secrets both pass.
 */
import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createReceiver, type Provider, type Receiver } from '../../src/index.js'
import { github } from '../../src/providers/github.js'
import { gitlab } from '../../src/providers/gitlab.js'
import { hmac } from '../../src/providers/hmac.js'
import { sendgrid } from '../../src/providers/sendgrid.js'
import { shopify } from '../../src/providers/shopify.js'
import { slack } from '../../src/providers/slack.js'
import { standardWebhooks } from '../../src/providers/standard-webhooks.js'
import { stripe } from '../../src/providers/stripe.js'
import { twilio } from '../../src/providers/twilio.js'
import {
  generateSendGridKeyPair,
  signGitHub,
  signGitLab,
  signSendGrid,
  signShopify,
  signSlack,
  signStandardWebhooks,
  signStripe,
  signTwilio,
  type SignedDelivery,
} from '../../src/testing/index.js'
import { silentLogger } from '../support/helpers.js'

const NOW = 1_700_000_000
const URL = 'https://example.com/hook'
const sendgridKeys = [generateSendGridKeyPair(), generateSendGridKeyPair(), generateSendGridKeyPair()]

interface Case {
  name: string
  /** Three distinct credentials: [0] and [1] are configured (rotation), [2] is a stranger's. */
  secrets: [string, string, string]
  provider: (secrets: string[]) => Provider<any, any>
  sign: (secret: string, timestamp: number, n: number) => SignedDelivery
  signatureHeader: string
  malformed: string
  /** Whether a signed timestamp exists; sign() then honours `timestamp`. */
  timestamped: boolean
}

const stripeEvent = (n: number) => ({ id: `evt_${n}`, type: 'customer.created', data: { object: {} } })
const cases: Case[] = [
  {
    name: 'stripe',
    secrets: ['whsec_a', 'whsec_b', 'whsec_c'],
    provider: (secret) => stripe({ secret }),
    sign: (secret, timestamp, n) => signStripe({ payload: stripeEvent(n), secret, timestamp }),
    signatureHeader: 'stripe-signature',
    malformed: 'v1=abc',
    timestamped: true,
  },
  {
    name: 'github',
    secrets: ['a', 'b', 'c'],
    provider: (secret) => github({ secret }),
    sign: (secret, _t, n) => signGitHub({ event: 'push', payload: { ref: `r${n}` }, secret }),
    signatureHeader: 'x-hub-signature-256',
    malformed: 'sha1=0123',
    timestamped: false,
  },
  {
    name: 'standard-webhooks',
    secrets: ['whsec_YWFhYWFhYWE=', 'whsec_YmJiYmJiYmI=', 'whsec_Y2NjY2NjY2M='],
    provider: (secret) => standardWebhooks({ secret }),
    sign: (secret, timestamp, n) => signStandardWebhooks({ payload: { type: 't', n }, secret, timestamp }),
    signatureHeader: 'webhook-signature',
    malformed: 'v1,@@@@',
    timestamped: true,
  },
  {
    name: 'shopify',
    secrets: ['a', 'b', 'c'],
    provider: (secret) => shopify({ secret }),
    sign: (secret, _t, n) => signShopify({ topic: 'orders/create', payload: { id: n }, secret }),
    signatureHeader: 'x-shopify-hmac-sha256',
    malformed: '%%%',
    timestamped: false,
  },
  {
    name: 'slack',
    secrets: ['a', 'b', 'c'],
    provider: (signingSecret) => slack({ signingSecret }),
    sign: (signingSecret, timestamp, n) =>
      signSlack({
        payload: { type: 'event_callback', event_id: `Ev${n}`, event: { type: 'team_join' } },
        signingSecret,
        timestamp,
      }),
    signatureHeader: 'x-slack-signature',
    malformed: 'v1=00',
    timestamped: true,
  },
  {
    name: 'twilio',
    secrets: ['a', 'b', 'c'],
    provider: (authToken) => twilio({ authToken, url: URL }),
    sign: (authToken, _t, n) => {
      const { url: _, ...delivery } = signTwilio({
        url: URL,
        params: { MessageSid: `SM${n}`, Body: 'hi' },
        authToken,
      })
      return delivery
    },
    signatureHeader: 'x-twilio-signature',
    malformed: 'not base64!',
    timestamped: false,
  },
  {
    name: 'sendgrid',
    secrets: [sendgridKeys[0]!.publicKey, sendgridKeys[1]!.publicKey, sendgridKeys[2]!.publicKey],
    provider: (publicKey) => sendgrid({ publicKey }),
    sign: (publicKey, timestamp, n) => {
      const privateKey = sendgridKeys.find((keys) => keys.publicKey === publicKey)!.privateKey
      return signSendGrid({
        payload: [{ event: 'delivered', sg_event_id: `e${n}`, email: 'a@b.c', timestamp }],
        privateKey,
        timestamp,
      })
    },
    signatureHeader: 'x-twilio-email-event-webhook-signature',
    malformed: 'MEUC',
    timestamped: true,
  },
  {
    name: 'gitlab',
    secrets: ['a', 'b', 'c'],
    provider: (secretToken) => gitlab({ secretToken }),
    sign: (secretToken, _t, n) => signGitLab({ event: 'Push Hook', payload: { n }, secretToken }),
    signatureHeader: 'x-gitlab-token',
    malformed: ' ',
    timestamped: false,
  },
  {
    name: 'hmac',
    secrets: ['a', 'b', 'c'],
    provider: (secret) =>
      hmac({
        secret,
        header: 'x-signature',
        prefix: 'sha256=',
        timestampFrom: 'x-timestamp',
        signedPayload: ({ timestamp, body }) => [`${timestamp}.`, body],
      }),
    sign: (secret, timestamp, n) => {
      const body = JSON.stringify({ type: 'thing', n })
      const signature = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')
      return {
        method: 'POST',
        headers: { 'x-signature': `sha256=${signature}`, 'x-timestamp': String(timestamp) },
        body,
      }
    },
    signatureHeader: 'x-signature',
    malformed: 'md5=00',
    timestamped: true,
  },
]

/** Posts a delivery and reduces the answer to its status and, for refusals, its code. */
function sender(receiver: Receiver<any>) {
  return async (delivery: SignedDelivery) => {
    const response = await receiver.handle({
      method: 'POST',
      url: '/hook',
      headers: delivery.headers,
      body: delivery.body,
    })
    return {
      status: response.status,
      code: response.status >= 400 ? (JSON.parse(response.body) as { code: string }).code : undefined,
    }
  }
}

describe.each(cases)('$name', (c) => {
  function setup() {
    const receiver = createReceiver({
      provider: c.provider([c.secrets[0], c.secrets[1]]),
      now: () => NOW * 1000,
      logger: silentLogger(),
    })
    let runs = 0
    receiver.onAny(() => {
      runs++
    })
    const send = sender(receiver)
    return { send, runs: () => runs }
  }

  it('accepts deliveries signed with either configured secret (rotation)', async () => {
    const { send, runs } = setup()
    expect(await send(c.sign(c.secrets[0], NOW, 1))).toMatchObject({ status: 200 })
    expect(await send(c.sign(c.secrets[1], NOW, 2))).toMatchObject({ status: 200 })
    expect(runs()).toBe(2)
  })

  it('refuses a wrong secret with 401 signature_invalid', async () => {
    const { send, runs } = setup()
    expect(await send(c.sign(c.secrets[2], NOW, 3))).toEqual({ status: 401, code: 'signature_invalid' })
    expect(runs()).toBe(0)
  })

  it('refuses any single changed body byte (except where the provider signs no content)', async () => {
    const { send, runs } = setup()
    const delivery = c.sign(c.secrets[0], NOW, 4)
    const bytes = Buffer.from(delivery.body)
    for (let index = 0; index < bytes.length; index++) {
      const copy = Buffer.from(bytes)
      copy[index] = (copy[index] as number) ^ 0x01
      const { status } = await send({ ...delivery, body: copy.toString('latin1') })
      // GitLab's token proves the sender, not the body (README): a changed body is still 200 or a 400 parse error.
      if (c.name === 'gitlab') expect([200, 400]).toContain(status)
      else expect(status, `byte ${index}`).toBe(401)
    }
    if (c.name !== 'gitlab') expect(runs()).toBe(0)
  })

  it('refuses a missing signature header with 401 signature_missing', async () => {
    const { send, runs } = setup()
    const delivery = c.sign(c.secrets[0], NOW, 5)
    const { [c.signatureHeader]: _, ...headers } = delivery.headers
    expect(await send({ ...delivery, headers })).toEqual({ status: 401, code: 'signature_missing' })
    expect(runs()).toBe(0)
  })

  it('refuses a malformed signature header with 401', async () => {
    const { send, runs } = setup()
    const delivery = c.sign(c.secrets[0], NOW, 6)
    const { status, code } = await send({
      ...delivery,
      headers: { ...delivery.headers, [c.signatureHeader]: c.malformed },
    })
    expect(status).toBe(401)
    expect(['signature_invalid', 'signature_missing']).toContain(code)
    expect(runs()).toBe(0)
  })
})

describe.each(cases.filter((c) => c.timestamped))('$name signed timestamp', (c) => {
  it('refuses a timestamp just outside the tolerance, either way, with 401 timestamp_out_of_tolerance', async () => {
    const receiver = createReceiver({
      provider: c.provider([c.secrets[0]]),
      now: () => NOW * 1000,
      logger: silentLogger(),
    })
    let runs = 0
    receiver.onAny(() => {
      runs++
    })
    const send = sender(receiver)
    expect(await send(c.sign(c.secrets[0], NOW - 301, 7))).toEqual({
      status: 401,
      code: 'timestamp_out_of_tolerance',
    })
    expect(await send(c.sign(c.secrets[0], NOW + 301, 8))).toEqual({
      status: 401,
      code: 'timestamp_out_of_tolerance',
    })
    expect(await send(c.sign(c.secrets[0], NOW - 300, 9))).toMatchObject({ status: 200 })
    expect(await send(c.sign(c.secrets[0], NOW + 300, 10))).toMatchObject({ status: 200 })
    expect(runs).toBe(2)
  })
})
