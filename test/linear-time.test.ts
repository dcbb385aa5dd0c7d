/**
 * No input costs more than linear time in its size, before or after verification: forms, headers (repeated, huge,
 * thousands of signature entries), JSON and batches. Each parser is timed on an input of n and of 10n units in the
 * same run, the fastest of several tries each, in CPU time of this process (what other processes on a loaded
 * machine take does not count); linear work grows about 10×, quadratic work about 100×, so a bound of 30× tells
 * them apart without any absolute timing. The last test is the attack as it was found: one forged form over Express.
 */
import type { AddressInfo } from 'node:net'
import express from 'express'
import { afterEach, describe, expect, it } from 'vitest'
import { lambdaHandler, type LambdaHttpEvent } from '../src/adapters/aws-lambda.js'
import { expressMiddleware } from '../src/adapters/express.js'
import { formFields, parseForm } from '../src/body.js'
import { normalizeHeaders } from '../src/headers.js'
import { readRfc3339Timestamp } from '../src/provider-kit/signed-timestamp.js'
import { createReceiver, type Provider, type SignedRequest, type WebhookRequest } from '../src/index.js'
import { github } from '../src/providers/github.js'
import { hmac } from '../src/providers/hmac.js'
import { adyen } from '../src/providers/adyen.js'
import { mailgun } from '../src/providers/mailgun.js'
import { meta } from '../src/providers/meta.js'
import { paypal } from '../src/providers/paypal.js'
import { sendgrid } from '../src/providers/sendgrid.js'
import { slack } from '../src/providers/slack.js'
import { standardWebhooks } from '../src/providers/standard-webhooks.js'
import { stripe } from '../src/providers/stripe.js'
import { twilio } from '../src/providers/twilio.js'
import {
  generatePayPalCertificate,
  generateSendGridKeyPair,
  payPalCertificateFetch,
  signSendGrid,
} from '../src/testing/index.js'
import { silentLogger } from './support/helpers.js'

const TRIES = 7
/** Linear work grows about 10× from n to 10n (a sort: a little more); quadratic work about 100×. */
const MOST_GROWTH = 30

/** How much longer `work` takes on an input of 10n units than on one of n: the fastest of TRIES runs of each. */
async function growth<I>(n: number, build: (n: number) => I, work: (input: I) => unknown): Promise<number> {
  const small = build(n)
  const large = build(10 * n)
  const time = async (input: I): Promise<number> => {
    const start = process.cpuUsage()
    try {
      await work(input)
    } catch {
      // A refusal (a forged signature) is the outcome under test for the inputs that are not signed.
    }
    const spent = process.cpuUsage(start)
    return spent.user + spent.system
  }
  await time(small) // warm-up: compiled before the clock counts
  let fastestSmall = Number.POSITIVE_INFINITY
  let fastestLarge = Number.POSITIVE_INFINITY
  for (let round = 0; round < TRIES; round++) {
    fastestSmall = Math.min(fastestSmall, await time(small))
    fastestLarge = Math.min(fastestLarge, await time(large))
  }
  return fastestLarge / fastestSmall
}

const request = (headers: Record<string, string>, body: string, url = '/hook'): SignedRequest => ({
  method: 'POST',
  url,
  headers,
  body: Buffer.from(body),
})

const FORM = 'application/x-www-form-urlencoded'
/** `f0=&f1=&…`: the forged body that was quadratic, every name distinct. */
const distinctFields = (n: number): string => Array.from({ length: n }, (_, i) => `f${i}=`).join('&')
/** `f=0&f=1&…`: one name, n distinct values. */
const repeatedField = (n: number): string => Array.from({ length: n }, (_, i) => `f=${i}`).join('&')
/** A JSON object with n keys. */
const jsonObject = (n: number): Record<string, number> =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]))

const TWILIO_URL = 'https://example.com/sms'
const TWILIO_TOKEN = 'linear-time-auth-token'
const twilioProvider = twilio({ authToken: TWILIO_TOKEN, url: TWILIO_URL })
/** A well-formed X-Twilio-Signature (20 bytes of base64) that is not the right one. */
const FORGED_TWILIO = Buffer.alloc(20).toString('base64')
const slackProvider = slack({ signingSecret: 'linear-time-signing-secret' })
const sendgridKeys = generateSendGridKeyPair()
const sendgridProvider = sendgrid({ publicKey: sendgridKeys.publicKey })
const metaProvider = meta({ appSecret: 'linear-time-app-secret', verifyToken: 'linear-time-verify-token' })
const adyenProvider = adyen({ hmacKey: 'ab'.repeat(32) })
const PAYPAL_CERT_URL = 'https://api.paypal.com/v1/notifications/certs/CERT-linear-time'
const paypalProvider = paypal({
  webhookId: 'LINEARTIME0000001',
  fetch: payPalCertificateFetch({
    [PAYPAL_CERT_URL]: (generatePayPalCertificate() as { certificate: string }).certificate,
  }),
})

interface Case {
  name: string
  /** Units in the smaller input: enough that its run takes well over a timer tick. */
  n: number
  build: (n: number) => any
  work: (input: any) => unknown
}

const cases: Case[] = [
  {
    name: 'a form of n distinct fields (the payload handlers get)',
    n: 2_000,
    build: distinctFields,
    work: (text: string) => formFields(parseForm(text)),
  },
  {
    name: 'a form of one field repeated n times',
    n: 2_000,
    build: repeatedField,
    work: (text: string) => formFields(parseForm(text)),
  },
  {
    name: "Twilio's signature base of n distinct fields, before the signature is known to be forged",
    n: 2_000,
    build: (n) =>
      request({ 'content-type': FORM, 'x-twilio-signature': FORGED_TWILIO }, distinctFields(n), '/sms'),
    work: (input: SignedRequest) => twilioProvider.verify(input),
  },
  {
    name: "Twilio's signature base of one field with n distinct values (sorted, repeats dropped)",
    n: 2_000,
    build: (n) =>
      request({ 'content-type': FORM, 'x-twilio-signature': FORGED_TWILIO }, repeatedField(n), '/sms'),
    work: (input: SignedRequest) => twilioProvider.verify(input),
  },
  {
    name: 'Twilio rebuilding its URL from an X-Forwarded-Host list of n entries',
    n: 20_000,
    build: (n) =>
      request(
        {
          'content-type': FORM,
          'x-twilio-signature': FORGED_TWILIO,
          'x-forwarded-host': Array.from({ length: n }, (_, i) => `h${i}.example`).join(', '),
        },
        'Body=hi',
        '/sms',
      ),
    work: (input: SignedRequest) => twilio({ authToken: TWILIO_TOKEN, trustProxy: true }).verify(input),
  },
  {
    name: "Twilio's X-Twilio-Webhooks-Signature-Settings header of n entries (a SharedKey request)",
    n: 5_000,
    build: (n) =>
      request(
        {
          'content-type': FORM,
          'x-twilio-signature': FORGED_TWILIO,
          'x-twilio-webhooks-signature-settings': Array.from({ length: n }, (_, i) => `k${i}=v`).join(','),
        },
        'Body=hi',
        '/sms',
      ),
    work: (input: SignedRequest) =>
      twilio({ authToken: TWILIO_TOKEN, sharedKeySecret: 'linear-shared-key', url: TWILIO_URL }).verify(
        input,
      ),
  },
  {
    name: 'an RFC 3339 timestamp of n characters (Twitch)',
    n: 20_000,
    build: (n) => `2026-12-01T00:00:00.${'1'.repeat(n)}Z`,
    work: (text: string) => readRfc3339Timestamp(text),
  },
  {
    name: 'a Twilio form of n fields, parsed after verification',
    n: 2_000,
    build: (n) => request({ 'content-type': FORM }, `MessageSid=SM1&Body=hi&${distinctFields(n)}`, '/sms'),
    work: (input: SignedRequest) => twilioProvider.parse(input),
  },
  {
    name: 'a Twilio Event Streams batch of n CloudEvents',
    n: 1_000,
    build: (n) =>
      request(
        { 'content-type': 'application/json' },
        JSON.stringify(
          Array.from({ length: n }, (_, i) => ({
            specversion: '1.0',
            type: 'com.twilio.messaging.message.delivered',
            source: '/v1/messages',
            id: `ce-${i}`,
            data: { i },
          })),
        ),
      ),
    work: (input: SignedRequest) => twilioProvider.parse(input),
  },
  {
    name: 'a Slack slash command with n more fields',
    n: 2_000,
    build: (n) =>
      request({ 'content-type': FORM }, `command=%2Fdeploy&trigger_id=t1&text=x&${distinctFields(n)}`),
    work: (input: SignedRequest) => slackProvider.parse(input),
  },
  {
    name: 'a Slack interactivity payload of n keys, after n other fields',
    n: 2_000,
    build: (n) =>
      request(
        { 'content-type': FORM },
        `${distinctFields(n)}&payload=${encodeURIComponent(JSON.stringify({ type: 'block_actions', ...jsonObject(n) }))}`,
      ),
    work: (input: SignedRequest) => slackProvider.parse(input),
  },
  {
    name: 'a GitHub form body whose payload field comes after n others',
    n: 2_000,
    build: (n) =>
      request(
        { 'content-type': FORM, 'x-github-event': 'push', 'x-github-delivery': 'd-1' },
        `${distinctFields(n)}&payload=${encodeURIComponent(JSON.stringify(jsonObject(10)))}`,
      ),
    work: (input: SignedRequest) => github({ secret: 's' }).parse(input),
  },
  {
    name: 'JSON of n keys that names a prototype key (the reviver path)',
    n: 5_000,
    build: (n) =>
      request(
        { 'content-type': 'application/json' },
        JSON.stringify({ id: 'evt_1', type: 't', data: { ...jsonObject(n), constructor: { prototype: 1 } } }),
      ),
    work: (input: SignedRequest) => stripe({ secret: 'whsec_linear' }).parse(input),
  },
  {
    name: 'a SendGrid batch of n items without sg_event_id (each gets a fallback id)',
    n: 2_000,
    build: (n) =>
      request(
        { 'content-type': 'application/json' },
        JSON.stringify(Array.from({ length: n }, (_, i) => ({ event: 'open', email: `u${i}@example.com` }))),
      ),
    work: (input: SignedRequest) => sendgridProvider.parse(input),
  },
  {
    name: 'one header sent n times (an array value)',
    n: 5_000,
    build: (n) => ({ 'X-Signature': Array.from({ length: n }, (_, i) => `v1,sig${i}`) }),
    work: (headers: Record<string, string[]>) => normalizeHeaders(headers),
  },
  {
    name: 'one header under n spellings of its name (X-Sig…, x-sIg…)',
    n: 2_000,
    build: (n) => {
      const name = 'x-signature-header'
      const spelling = (bits: number) =>
        [...name].map((char, i) => ((bits >> i) & 1 ? char.toUpperCase() : char)).join('')
      return Object.fromEntries(Array.from({ length: n }, (_, i) => [spelling(i + 1), `v${i}`]))
    },
    work: (headers: Record<string, string>) => normalizeHeaders(headers),
  },
  {
    name: 'n distinct headers',
    n: 5_000,
    build: (n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`X-Header-${i}`, `value ${i}`])),
    work: (headers: Record<string, string>) => normalizeHeaders(headers),
  },
  {
    name: 'a Stripe-Signature header of n entries, before the signature is known to be forged',
    n: 5_000,
    build: (n) =>
      request(
        { 'stripe-signature': `t=1,${Array.from({ length: n }, () => `v1=${'a'.repeat(64)}`).join(',')}` },
        '{}',
      ),
    work: (input: SignedRequest) => stripe({ secret: 'whsec_linear' }).verify(input),
  },
  {
    name: 'a Standard Webhooks signature list of n entries, before the signature is known to be forged',
    n: 5_000,
    build: (n) =>
      request(
        {
          'webhook-id': 'msg_1',
          'webhook-timestamp': '1',
          'webhook-signature': Array.from(
            { length: n },
            () => `v1,${Buffer.alloc(32).toString('base64')}`,
          ).join(' '),
        },
        '{}',
      ),
    work: (input: SignedRequest) =>
      standardWebhooks({ secret: `whsec_${Buffer.from('linear').toString('base64')}` }).verify(input),
  },
  {
    name: 'hmac() with signaturesFrom finding n signatures, before the signature is known to be forged',
    n: 5_000,
    build: (n) =>
      request({ 'x-signature': Array.from({ length: n }, () => 'ab'.repeat(32)).join(',') }, '{"type":"t"}'),
    work: (input: SignedRequest) =>
      hmac({ secret: 's', header: 'x-signature', signaturesFrom: (value) => value.split(',') }).verify(input),
  },
  {
    name: 'a Meta batch of n entries, each item hashed into its id',
    n: 300,
    build: (n) =>
      request(
        { 'content-type': 'application/json' },
        JSON.stringify({
          object: 'page',
          entry: Array.from({ length: n }, (_, i) => ({
            id: `p${i}`,
            time: i,
            changes: [{ field: 'feed', value: { post_id: `${i}` } }],
            messaging: [{ sender: { id: `${i}` }, message: { mid: `m${i}` } }],
          })),
        }),
      ),
    work: (input: SignedRequest) => metaProvider.parse(input),
  },
  {
    name: "Meta's verification request with a query of n parameters",
    n: 5_000,
    build: (n) => ({
      method: 'GET',
      url: `/meta?${distinctFields(n)}&hub.mode=subscribe&hub.challenge=1&hub.verify_token=wrong`,
      headers: {},
      body: new Uint8Array(0),
    }),
    work: (input: SignedRequest) => metaProvider.verify(input),
  },
  {
    name: 'an Adyen batch of n forged items: read, then checked up to the first',
    n: 1_000,
    build: (n) =>
      request(
        { 'content-type': 'application/json' },
        JSON.stringify({
          live: 'false',
          notificationItems: Array.from({ length: n }, (_, i) => ({
            NotificationRequestItem: {
              pspReference: `psp${i}`,
              eventCode: 'AUTHORISATION',
              success: 'true',
              merchantAccountCode: 'Shop',
              merchantReference: `r${i}`,
              amount: { value: i, currency: 'EUR' },
              additionalData: { hmacSignature: Buffer.alloc(32).toString('base64') },
            },
          })),
        }),
      ),
    work: (input: SignedRequest) => adyenProvider.verify(input),
  },
  {
    name: 'a Mailgun body whose event-data has n keys, before the signature is known to be forged',
    n: 5_000,
    build: (n) =>
      request(
        { 'content-type': 'application/json' },
        JSON.stringify({
          'event-data': { event: 'delivered', ...jsonObject(n) },
          signature: { timestamp: '1', token: 't', signature: 'ab'.repeat(32) },
        }),
      ),
    work: (input: SignedRequest) => mailgun({ signingKey: 'linear-mailgun-key' }).verify(input),
  },
  {
    name: 'a PayPal body of n bytes, its CRC-32 taken before the signature is known to be forged',
    n: 200_000,
    build: (n) =>
      request(
        {
          'paypal-transmission-sig': Buffer.alloc(256).toString('base64'),
          'paypal-transmission-id': 'tx-1',
          'paypal-transmission-time': '2026-12-01T00:00:00Z',
          'paypal-cert-url': PAYPAL_CERT_URL,
          'paypal-auth-algo': 'SHA256withRSA',
        },
        JSON.stringify({ id: 'WH-1', event_type: 'X', pad: 'x'.repeat(n) }),
      ),
    work: (input: SignedRequest) => paypalProvider.verify(input),
  },
  {
    name: 'a Lambda REST API event with one header under n spellings and n query parameters (lambdaHandler)',
    n: 2_000,
    build: (n) => {
      const name = 'x-signature-header'
      const spelling = (bits: number) =>
        [...name].map((char, i) => ((bits >> i) & 1 ? char.toUpperCase() : char)).join('')
      const names = Array.from({ length: n }, (_, i) => spelling(i + 1))
      const query = Object.fromEntries(Array.from({ length: n }, (_, i) => [`q${i}`, [`a b/${i}`, 'é']]))
      return {
        httpMethod: 'POST',
        path: '/hook',
        requestContext: { path: '/stage/hook' },
        headers: Object.fromEntries(names.map((spelt) => [spelt, 'v'])),
        multiValueHeaders: Object.fromEntries(names.map((spelt) => [spelt, ['v', 'w']])),
        multiValueQueryStringParameters: query,
        body: '{}',
        isBase64Encoded: false,
      }
    },
    // No Stripe-Signature among them: refused before the body, once the request line and headers are read.
    work: (event: LambdaHttpEvent) => lambdaStripe(event),
  },
  {
    name: 'a Lambda payload 2.0 event with n cookies and a base64 body of n KiB (lambdaHandler)',
    n: 200,
    build: (n) => ({
      version: '2.0',
      rawPath: '/hook',
      rawQueryString: '',
      cookies: Array.from({ length: n }, (_, i) => `c${i}=v`),
      headers: { 'stripe-signature': 't=1,v1=00', 'content-type': 'application/json' },
      requestContext: { domainName: 'example.com', http: { method: 'POST' } },
      body: Buffer.alloc(n * 1024, 'a').toString('base64'),
      isBase64Encoded: true,
    }),
    work: (event: LambdaHttpEvent) => lambdaStripe(event),
  },
]

const lambdaStripe = lambdaHandler(
  createReceiver({
    provider: stripe({ secret: 'whsec_linear' }),
    bodyLimit: 64 * 1024 * 1024,
    logger: silentLogger(),
  }),
)

describe('every parser takes time linear in its input', () => {
  it.each(cases)('$name', async ({ n, build, work }) => {
    expect(await growth(n, build, work)).toBeLessThan(MOST_GROWTH)
  })

  it('a SendGrid batch of n items through receiver.handle: verified, deduplicated and dispatched', async () => {
    const delivery = (n: number): WebhookRequest => ({
      url: '/sendgrid',
      ...signSendGrid({
        payload: Array.from({ length: n }, (_, i) => ({
          event: 'open',
          sg_event_id: `e${i}`,
          email: 'a@b.c',
        })),
        privateKey: sendgridKeys.privateKey,
      }),
    })
    // A new receiver (and memory store) each time, so every run handles every item instead of finding duplicates.
    const handle = async (request: WebhookRequest) => {
      const receiver = createReceiver({
        provider: sendgridProvider as Provider<any, any>,
        logger: silentLogger(),
      })
      receiver.onAny(() => undefined)
      const response = await receiver.handle(request)
      if (response.status !== 200) throw new Error(`answered ${response.status}: ${response.body}`)
    }
    expect(await growth(300, delivery, handle)).toBeLessThan(MOST_GROWTH)
  })
})

describe('a forged form body over Express', () => {
  let close: (() => Promise<void>) | undefined
  afterEach(async () => {
    await close?.()
    close = undefined
  })

  // Before the form parser was linear, this one request held the event loop for over a minute, and every request
  // behind it (a load balancer's health check) waited as long: this test ran into its time limit.
  it('is refused, and the server answers the request behind it', async () => {
    const receiver = createReceiver({ provider: twilioProvider, logger: silentLogger() })
    const app = express()
    app.post('/sms', expressMiddleware(receiver))
    app.get('/health', (_request, response) => {
      response.send('ok')
    })
    const server = app.listen(0, '127.0.0.1')
    await new Promise<void>((resolve) => server.once('listening', () => resolve()))
    close = () => new Promise<void>((resolve) => server.close(() => resolve()))
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    // As many distinct fields as fit in Twilio's 1 MiB body limit.
    let fields = 10_000
    while (distinctFields(fields + 10_000).length < 1024 * 1024) fields += 10_000
    const refused = await fetch(`${base}/sms`, {
      method: 'POST',
      headers: { 'content-type': FORM, 'x-twilio-signature': FORGED_TWILIO },
      body: distinctFields(fields),
    })
    expect(refused.status).toBe(401)
    expect(((await refused.json()) as { code: string }).code).toBe('signature_invalid')
    const health = await fetch(`${base}/health`)
    expect(health.status).toBe(200)
    expect(await health.text()).toBe('ok')
  })
})
