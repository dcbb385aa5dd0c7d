/**
 * The one provider case table: a row per provider and variant (content type, signature scheme) with how to build
 * it from a list of credentials, how its sender signs a delivery, and where the signed parts of that delivery live.
 * Shared by the tampering table (test/providers/tampering.test.ts), the hostile-input properties
 * (test/hostile.test.ts) and the adapter contract's hostile property (test/adapters/contract.ts).
 */
import { createHmac, type KeyObject } from 'node:crypto'
import fc from 'fast-check'
import type { Provider, SecretResolver } from '../../src/index.js'
import { discord } from '../../src/providers/discord.js'
import { github } from '../../src/providers/github.js'
import { hubspot } from '../../src/providers/hubspot.js'
import { adyen } from '../../src/providers/adyen.js'
import { calendly } from '../../src/providers/calendly.js'
import { clerk } from '../../src/providers/clerk.js'
import { coinbaseCommerce } from '../../src/providers/coinbase.js'
import { intercom } from '../../src/providers/intercom.js'
import { lemonSqueezy } from '../../src/providers/lemonsqueezy.js'
import { linear } from '../../src/providers/linear.js'
import { mailgun } from '../../src/providers/mailgun.js'
import { meta } from '../../src/providers/meta.js'
import { paddle as paddleBilling } from '../../src/providers/paddle.js'
import { paypal } from '../../src/providers/paypal.js'
import { postmark } from '../../src/providers/postmark.js'
import { razorpay } from '../../src/providers/razorpay.js'
import { resend } from '../../src/providers/resend.js'
import { sentry } from '../../src/providers/sentry.js'
import { square } from '../../src/providers/square.js'
import { vercel } from '../../src/providers/vercel.js'
import { gitlab } from '../../src/providers/gitlab.js'
import { hmac } from '../../src/providers/hmac.js'
import { sendgrid } from '../../src/providers/sendgrid.js'
import { shopify } from '../../src/providers/shopify.js'
import { slack } from '../../src/providers/slack.js'
import { standardWebhooks } from '../../src/providers/standard-webhooks.js'
import { stripe } from '../../src/providers/stripe.js'
import { twilio } from '../../src/providers/twilio.js'
import { twitch } from '../../src/providers/twitch.js'
import { zoom } from '../../src/providers/zoom.js'
import {
  generateDiscordKeyPair,
  generateSendGridKeyPair,
  generateStandardWebhooksKeyPair,
  signDiscord,
  signGitHub,
  signGitLab,
  signSendGrid,
  signShopify,
  signSlack,
  signStandardWebhooks,
  signStripe,
  signTwilio,
  signTwitch,
  signZoom,
  type SignedDelivery,
} from '../../src/testing/index.js'
import {
  generatePayPalCertificate,
  payPalCertificateFetch,
  signAdyen,
  signCalendly,
  signClerk,
  signCoinbaseCommerce,
  signHubSpot,
  signIntercom,
  signLemonSqueezy,
  signLinear,
  signMailgun,
  signMeta,
  signPaddle,
  signPayPal,
  signPostmark,
  signRazorpay,
  signResend,
  signSentry,
  signSquare,
  signVercel,
} from '../../src/testing/index.js'

export const NOW = 1_700_000_000

/** A signed delivery and the request path it is posted to (Twilio signs the URL). */
export interface Delivery extends SignedDelivery {
  url: string
}

/** What the sender signs: when, under which event id, and some event data (any JSON object). */
export interface Signing {
  timestamp: number
  id: string
  data?: Record<string, unknown>
}

export interface ProviderCase {
  name: string
  /** Three distinct credentials: [0] and [1] are configured (rotation), [2] is a stranger's. */
  secrets: [string, string, string]
  /** Any credential the provider accepts, for the round-trip property. */
  secretArbitrary: fc.Arbitrary<string>
  /** Built from its credentials, or from a resolver choosing them per delivery (test/tenants.test.ts). */
  provider: (secrets: string[] | SecretResolver) => Provider<any, any>
  /** The sender's delivery: signed with `secret` (a public key stands for its pair), at `timestamp`, as event `id`. */
  sign: (secret: string, signing: Signing) => Delivery
  /** The header that carries the signature; absent where the sender signs inside the body (`signatureInBody`). */
  signatureHeader?: string
  /**
   * Where the signature lives when the sender puts it in the body (Mailgun's signature object, Adyen's per-item
   * hmacSignature): read it from a delivery, or write another value (undefined: remove it) into a copy. Such a
   * provider declares no signature header, so a POST is read before it can be refused.
   */
  signatureInBody?: {
    read: (delivery: Delivery) => string
    write: (delivery: Delivery, value: string | undefined) => Delivery
  }
  /** How several signatures are listed in the signature header. Default ','. */
  signatureSeparator?: string
  /** The signature is hex: its upper-case spelling is refused (see the tampering table). */
  hexSignature?: true
  /** Signature header values that cannot be read as a signature (answered 401 signature_invalid). */
  malformed: string[]
  /** Headers whose whole value is signed besides the body (an id, a timestamp, the Host Twilio signs). */
  signedHeaders: string[]
  /** Rewrites the signed timestamp without re-signing; present exactly when the provider signs a timestamp. */
  retime?: (delivery: Delivery, timestamp: number) => Delivery
  /** Other signed parts (the URL Twilio signs), each changed after signing. */
  otherTampers?: { what: string; apply: (delivery: Delivery) => Delivery }[]
  /** False for GitLab, which sends a token instead of signing the content. */
  signsBody?: false
  /**
   * What the scheme signs of the body, when it is not the bytes themselves: Twilio signs the sorted form fields
   * joined without separators, so two bodies with the same fields sign alike.
   */
  signedContent?: (body: Buffer) => string
  /**
   * The status of an accepted delivery whose handlers return nothing (a duplicate's too). Default 200; a sender that
   * reads the answer may expect another one (Discord: an empty 204).
   */
  acceptedStatus?: number
}

/** The replay tolerance a row's receiver applies by default: its sender's own, else the receiver's 300 s. */
export const toleranceOf = (c: ProviderCase): number => c.provider([c.secrets[0]]).toleranceSeconds ?? 300

/** The signature of a delivery as the row's sender sent it: its header's value, or the value inside the body. */
export const signatureOf = (c: ProviderCase, delivery: Delivery): string =>
  c.signatureInBody?.read(delivery) ?? (delivery.headers[c.signatureHeader as string] as string)

/** `delivery` with its signature set to `value`, or without it (undefined), where the row's sender puts it. */
export function withSignature(c: ProviderCase, delivery: Delivery, value: string | undefined): Delivery {
  if (c.signatureInBody !== undefined) return c.signatureInBody.write(delivery, value)
  const { [c.signatureHeader as string]: _, ...others } = delivery.headers
  return {
    ...delivery,
    headers: value === undefined ? others : { ...others, [c.signatureHeader as string]: value },
  }
}

/** The status a row's accepted deliveries are answered with. */
export const accepted = (c: ProviderCase): number => c.acceptedStatus ?? 200

/** The event data a row signs when the test does not choose any: non-ASCII, and characters forms escape. */
const DATA = { note: 'Zoë ✓ 100% & more' }

const withHeader = (delivery: Delivery, name: string, value: string): Delivery => ({
  ...delivery,
  headers: { ...delivery.headers, [name]: value },
})

/** `retime` for a timestamp sent in a header of its own. */
const inHeader =
  (name: string) =>
  (delivery: Delivery, timestamp: number): Delivery =>
    withHeader(delivery, name, String(timestamp))

// ---- Credentials ---------------------------------------------------------------------------------------------------

/** Printable ASCII without leading or trailing white space: what every HMAC secret and token accepts. */
const printableSecret = fc.stringMatching(/^[!-~]([ -~]{0,62}[!-~])?$/)
const whsecSecret = fc
  .uint8Array({ minLength: 1, maxLength: 64 })
  .map((bytes) => `whsec_${Buffer.from(bytes).toString('base64')}`)
/** A shared-secret row's credentials: three named after the row for the table, any printable one for the round trip. */
const sharedSecrets = (prefix: string) => ({
  secrets: [`${prefix}-old-secret-0001`, `${prefix}-new-secret-0002`, `${prefix}-stranger-0003`] as [
    string,
    string,
    string,
  ],
  secretArbitrary: printableSecret,
})

/** Key pairs made once: the receiver is given the public key, the signer looks the private key up by it. */
const privateKeys = new Map<string, KeyObject | string>()
function keyPairs(generate: () => { publicKey: string; privateKey: KeyObject | string }): string[] {
  return Array.from({ length: 5 }, () => {
    const { publicKey, privateKey } = generate()
    privateKeys.set(publicKey, privateKey)
    return publicKey
  })
}
const privateKeyOf = (publicKey: string) => privateKeys.get(publicKey)!
const sendgridKeys = keyPairs(generateSendGridKeyPair)
const ed25519Keys = keyPairs(generateStandardWebhooksKeyPair)
const discordKeys = keyPairs(generateDiscordKeyPair)
/** A key-pair row's credentials: three of its public keys for the table, any of them for the round trip. */
const publicKeys = (keys: string[]) => ({
  secrets: keys.slice(0, 3) as [string, string, string],
  secretArbitrary: fc.constantFrom(...keys),
})

// ---- Senders without a signer in webhook-receiver/testing -----------------------------------------------------------

/** What GitHub sends when the webhook's content type is application/x-www-form-urlencoded: a `payload=` field. */
export function signGitHubForm(options: {
  event: string
  payload: unknown
  secret: string
  deliveryId?: string
}): SignedDelivery {
  const body = new URLSearchParams({ payload: JSON.stringify(options.payload) }).toString()
  const delivery = signGitHub({ ...options, payload: body })
  return {
    ...delivery,
    headers: { ...delivery.headers, 'content-type': 'application/x-www-form-urlencoded' },
  }
}

/** The values of one `name=value` field of a `;`-separated header (Paddle's `ts=…;h1=…`). */
export const paddleField = (header: string, name: string): string[] =>
  header
    .split(';')
    .filter((part) => part.startsWith(`${name}=`))
    .map((part) => part.slice(name.length + 1))

/** Paddle Billing through `hmac()`, with the options of the worked example in docs/providers.md. */
export const paddle = (secret: string | string[] | SecretResolver): Provider =>
  hmac({
    name: 'paddle',
    secret,
    header: 'paddle-signature',
    signaturesFrom: (value) => paddleField(value, 'h1'),
    timestampFrom: (headers) => paddleField(headers['paddle-signature'] ?? '', 'ts')[0],
    signedPayload: ({ timestamp, body }) => [`${timestamp}:`, body],
    idFrom: (payload) => (payload as { event_id: string }).event_id,
    typeFrom: (payload) => (payload as { event_type: string }).event_type,
  })

/** Paddle's `Paddle-Signature: ts=<ts>;h1=<hex HMAC-SHA256 of "<ts>:<body>">`. */
export const paddleSignature = (secret: string, timestamp: number, body: string): string =>
  `ts=${timestamp};h1=${createHmac('sha256', secret).update(`${timestamp}:${body}`).digest('hex')}`

/** Twilio's signed content of a form body: every field sorted, a repeated field's distinct values sorted. */
function twilioSignedContent(body: Buffer): string {
  const form = new URLSearchParams(body.toString('latin1'))
  return [...new Set(form.keys())]
    .sort()
    .map((name) => name + [...new Set(form.getAll(name))].sort().join(''))
    .join('')
}

/** `delivery` with its JSON body rewritten by `change` (a parsed copy), serialised again as its signer does. */
function withJsonBody(delivery: Delivery, change: (body: any) => void): Delivery {
  const body = JSON.parse(delivery.body)
  change(body)
  return { ...delivery, body: JSON.stringify(body) }
}

/** A JSON body's signed content under `read`, or the body itself when it is not JSON (then nothing else signs alike). */
const jsonSignedContent =
  (read: (body: any) => unknown) =>
  (body: Buffer): string => {
    let parsed: unknown
    try {
      parsed = JSON.parse(body.toString('utf8'))
    } catch {
      return `not JSON: ${body.toString('latin1')}`
    }
    return JSON.stringify(read(parsed) ?? null)
  }

/** Mailgun signs `timestamp + token` of the body's signature object, and nothing of `event-data`. */
const mailgunSignedContent = jsonSignedContent((body) => {
  const signature = body?.signature
  return [signature?.timestamp, signature?.token, signature?.signature, signature?.['parent-signature']]
})

/** Adyen signs eight fields of each item, each written as `Array.prototype.join` writes it, and nothing else. */
const adyenSignedContent = jsonSignedContent((body) => {
  const items: unknown[] = Array.isArray(body?.notificationItems) ? body.notificationItems : []
  const written = (value: unknown) =>
    value === undefined || value === null ? '' : typeof value === 'object' ? '\u0000' : String(value)
  return items.map((entry: any) => {
    const item = entry?.NotificationRequestItem
    const amount = item?.amount
    return [
      item?.pspReference,
      item?.originalReference,
      item?.merchantAccountCode,
      item?.merchantReference,
      typeof amount === 'object' && amount !== null ? amount.value : undefined,
      typeof amount === 'object' && amount !== null ? amount.currency : undefined,
      item?.eventCode,
      item?.success,
      item?.additionalData?.hmacSignature,
    ].map(written)
  })
})

/** Where the signer puts the (first) item's signature. */
const adyenItem = (body: any) => body.notificationItems[0].NotificationRequestItem
/** Adyen HMAC keys: hex, as the Customer Area shows them (upper case) or in lower case. */
const hexKey = fc
  .uint8Array({ minLength: 1, maxLength: 64 })
  .chain((bytes) =>
    fc.constantFrom(Buffer.from(bytes).toString('hex'), Buffer.from(bytes).toString('hex').toUpperCase()),
  )

/** PayPal's certificate, made once, and where the row's deliveries say it is (served by the row's fetch). */
const payPalCertificate = generatePayPalCertificate() as Awaited<ReturnType<typeof generatePayPalCertificate>>
const PAYPAL_CERT_URL =
  'https://api.sandbox.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-webhook-receiver'
/** PAYPAL-TRANSMISSION-TIME as PayPal writes it: RFC 3339, whole seconds, UTC. */
const payPalTime = (timestamp: number) => new Date(timestamp * 1000).toISOString().replace('.000Z', 'Z')

const TWILIO_JSON_URL = 'https://example.com/hooks/twilio'
const TWILIO_FORM_URL = 'https://example.com/sms'
const SQUARE_URL = 'https://example.com/webhooks/square'
const HUBSPOT_URL = 'https://example.com/webhooks/hubspot'

// ---- The table -----------------------------------------------------------------------------------------------------
// A variant (another content type or signature scheme) spreads its base row and states what differs.

const githubJson: ProviderCase = {
  name: 'GitHub (JSON)',
  ...sharedSecrets('github'),
  provider: (secret) => github({ secret }),
  sign: (secret, { id, data = DATA }) => ({
    url: '/webhooks/github',
    ...signGitHub({ event: 'push', payload: { ref: 'refs/heads/main', data }, secret, deliveryId: id }),
  }),
  signatureHeader: 'x-hub-signature-256',
  hexSignature: true,
  malformed: ['sha1=0123', 'sha256=', 'sha256=zz', `sha1=${'a'.repeat(40)}`, 'a'.repeat(64)],
  signedHeaders: [],
}

const standardWebhooksV1: ProviderCase = {
  name: 'Standard Webhooks v1 (HMAC)',
  secrets: ['whsec_YWFhYWFhYWE=', 'whsec_YmJiYmJiYmI=', 'whsec_Y2NjY2NjY2M='],
  secretArbitrary: whsecSecret,
  provider: (secret) => standardWebhooks({ secret }),
  sign: (secret, { timestamp, id, data = DATA }) => ({
    url: '/webhooks/svix',
    ...signStandardWebhooks({ payload: { type: 'user.created', data }, secret, timestamp, id }),
  }),
  signatureHeader: 'webhook-signature',
  signatureSeparator: ' ',
  malformed: ['v1,@@@@', 'v1', 'v1,', 'garbage', `v2,${Buffer.alloc(32).toString('base64')}`],
  signedHeaders: ['webhook-id', 'webhook-timestamp'],
  retime: inHeader('webhook-timestamp'),
}

const slackEvents: ProviderCase = {
  name: 'Slack Events API (JSON)',
  ...sharedSecrets('slack'),
  provider: (signingSecret) => slack({ signingSecret }),
  sign: (signingSecret, { timestamp, id, data = DATA }) => ({
    url: '/slack/events',
    ...signSlack({
      payload: { type: 'event_callback', event_id: id, event: { type: 'app_mention', data } },
      signingSecret,
      timestamp,
    }),
  }),
  signatureHeader: 'x-slack-signature',
  hexSignature: true,
  malformed: ['abc', 'v0=zz', `v1=${'a'.repeat(64)}`, 'v0='],
  signedHeaders: ['x-slack-request-timestamp'],
  retime: inHeader('x-slack-request-timestamp'),
}

export const providerCases: ProviderCase[] = [
  {
    name: 'Stripe',
    ...sharedSecrets('whsec_stripe'),
    // Stripe endpoint secrets always start with whsec_ (stripe() refuses anything else at construction).
    secretArbitrary: printableSecret.map((secret) => `whsec_${secret}`),
    provider: (secret) => stripe({ secret }),
    sign: (secret, { timestamp, id, data = DATA }) => ({
      url: '/webhooks/stripe',
      ...signStripe({
        payload: { id, object: 'event', type: 'customer.created', data: { object: data } },
        secret,
        timestamp,
      }),
    }),
    // The signed timestamp is the t= field of the signature header itself.
    signatureHeader: 'stripe-signature',
    hexSignature: true,
    malformed: ['v1=abc', 't=1', `v1=${'a'.repeat(64)}`, `t=${NOW},v1=zz`, `t=${NOW},v0=${'a'.repeat(64)}`],
    signedHeaders: [],
    retime: (delivery, timestamp) =>
      withHeader(
        delivery,
        'stripe-signature',
        delivery.headers['stripe-signature']!.replace(/^t=\d+/, `t=${timestamp}`),
      ),
  },
  githubJson,
  {
    ...githubJson,
    name: 'GitHub (form, payload= field)',
    ...sharedSecrets('github-form'),
    sign: (secret, { id, data = DATA }) => ({
      url: '/webhooks/github',
      ...signGitHubForm({ event: 'push', payload: { ref: 'refs/heads/main', data }, secret, deliveryId: id }),
    }),
    malformed: ['sha1=0123', `SHA256=${'a'.repeat(64)}`],
  },
  standardWebhooksV1,
  {
    ...standardWebhooksV1,
    name: 'Standard Webhooks v1a (Ed25519)',
    ...publicKeys(ed25519Keys),
    provider: (publicKey) => standardWebhooks({ publicKey }),
    sign: (publicKey, { timestamp, id, data = DATA }) => ({
      url: '/webhooks/svix',
      ...signStandardWebhooks({
        payload: { type: 'user.created', data },
        privateKey: privateKeyOf(publicKey) as string,
        timestamp,
        id,
      }),
    }),
    malformed: ['garbage', 'v1a,@@not base64@@', 'v1a', 'v1a,', `v1a,${Buffer.alloc(63).toString('base64')}`],
  },
  {
    name: 'Shopify',
    ...sharedSecrets('shopify'),
    provider: (secret) => shopify({ secret }),
    sign: (secret, { timestamp, id, data = DATA }) => ({
      url: '/webhooks/shopify',
      ...signShopify({ topic: 'orders/create', payload: { id: 1, data }, secret, timestamp, eventId: id }),
    }),
    signatureHeader: 'x-shopify-hmac-sha256',
    malformed: ['%%%', 'not base64!!', 'abc', createHmac('sha256', 'x').update('y').digest('hex')],
    signedHeaders: [],
  },
  slackEvents,
  {
    ...slackEvents,
    name: 'Slack slash command (form)',
    ...sharedSecrets('slack-form'),
    sign: (signingSecret, { timestamp, id, data = DATA }) => ({
      url: '/slack/commands',
      ...signSlack({
        form: {
          command: '/deploy',
          text: JSON.stringify(data),
          trigger_id: id,
          user_id: 'U1',
          team_id: 'T1',
          channel_id: 'C1',
          response_url: 'https://hooks.slack.com/commands/T1/1/x',
        },
        signingSecret,
        timestamp,
      }),
    }),
    malformed: ['v0=zz', `V0=${'a'.repeat(64)}`],
  },
  {
    // No url option: the URL is rebuilt from the request (Host + path), so the Host and the path are signed too.
    name: 'Twilio (form, URL from the Host)',
    ...sharedSecrets('twilio'),
    provider: (authToken) => twilio({ authToken }),
    sign: (authToken, { id, data = DATA }) => {
      const { url: _, ...delivery } = signTwilio({
        url: 'http://example.com/sms',
        authToken,
        idempotencyToken: id,
        params: { MessageSid: 'SM1', From: '+15551234567', To: '+15557654321', Body: JSON.stringify(data) },
      })
      return withHeader({ url: '/sms', ...delivery }, 'host', 'example.com')
    },
    signatureHeader: 'x-twilio-signature',
    malformed: ['not base64!', 'not base64!!', 'abc', createHmac('sha1', 'x').update('y').digest('hex')],
    signedHeaders: ['host'],
    signedContent: twilioSignedContent,
    otherTampers: [
      { what: 'the path of the URL', apply: (delivery) => ({ ...delivery, url: '/smt' }) },
      { what: 'a query parameter added to the URL', apply: (delivery) => ({ ...delivery, url: '/sms?x=1' }) },
      {
        what: 'a form field added',
        apply: (delivery) => ({ ...delivery, body: `${delivery.body}&Extra=1` }),
      },
      {
        what: 'a form field removed',
        apply: (delivery) => ({ ...delivery, body: delivery.body.replace(/&?To=[^&]*/, '') }),
      },
    ],
  },
  {
    // A Webhooks Rule signs with a SharedKey, HMAC-SHA256, and names it in X-Twilio-Webhooks-Signature-Settings.
    name: 'Twilio (form, SharedKey HMAC-SHA256)',
    ...sharedSecrets('twilio-shared-key'),
    provider: (sharedKeySecret) =>
      twilio({ authToken: 'twilio-auth-token-unused', sharedKeySecret, url: TWILIO_FORM_URL }),
    sign: (sharedKeySecret, { id, data = DATA }) => {
      const { url: _, ...delivery } = signTwilio({
        url: TWILIO_FORM_URL,
        sharedKeySecret,
        idempotencyToken: id,
        params: { MessageSid: 'SM1', From: '+15551234567', To: '+15557654321', Body: JSON.stringify(data) },
      })
      return { url: '/sms', ...delivery }
    },
    signatureHeader: 'x-twilio-signature',
    malformed: ['not base64!!', 'abc', createHmac('sha256', 'x').update('y').digest('hex')],
    signedHeaders: [],
    signedContent: twilioSignedContent,
    otherTampers: [
      {
        what: 'the settings header removed (the Auth Token and HMAC-SHA1 are then tried)',
        apply: ({ headers: { 'x-twilio-webhooks-signature-settings': _, ...headers }, ...delivery }) => ({
          ...delivery,
          headers,
        }),
      },
      {
        what: 'the settings header naming HMAC_SHA1',
        apply: (delivery) =>
          withHeader(
            delivery,
            'x-twilio-webhooks-signature-settings',
            'key=webhooks_sharedkey_1,algorithm=HMAC_SHA1',
          ),
      },
    ],
  },
  {
    // JSON bodies are signed through the URL: its bodySHA256 query parameter is the body's SHA-256.
    name: 'Twilio (JSON, bodySHA256)',
    ...sharedSecrets('twilio-json'),
    provider: (authToken) => twilio({ authToken, url: TWILIO_JSON_URL }),
    sign: (authToken, { id, data = DATA }) => {
      const { url, ...delivery } = signTwilio({
        url: TWILIO_JSON_URL,
        authToken,
        idempotencyToken: id,
        json: { type: 'message.received', data },
      })
      const { pathname, search } = new URL(url)
      return { url: pathname + search, ...delivery }
    },
    signatureHeader: 'x-twilio-signature',
    malformed: ['not base64!!', 'AAAA'],
    signedHeaders: [],
    otherTampers: [
      {
        what: 'the bodySHA256 in the URL',
        apply: (delivery) => ({
          ...delivery,
          url: delivery.url.replace(/.$/, (c) => (c === '0' ? '1' : '0')),
        }),
      },
      {
        what: 'the URL without its bodySHA256',
        apply: (delivery) => ({ ...delivery, url: '/hooks/twilio' }),
      },
    ],
  },
  {
    name: 'SendGrid',
    ...publicKeys(sendgridKeys),
    provider: (publicKey) => sendgrid({ publicKey }),
    sign: (publicKey, { timestamp, id, data = DATA }) => ({
      url: '/webhooks/sendgrid',
      ...signSendGrid({
        payload: [{ email: 'a@example.com', event: 'delivered', sg_event_id: id, timestamp, data }],
        privateKey: privateKeyOf(publicKey),
        timestamp,
      }),
    }),
    signatureHeader: 'x-twilio-email-event-webhook-signature',
    malformed: ['MEUC', 'not base64!!', 'AAAA', Buffer.from('not a DER signature').toString('base64')],
    signedHeaders: ['x-twilio-email-event-webhook-timestamp'],
    retime: inHeader('x-twilio-email-event-webhook-timestamp'),
  },
  {
    name: 'Discord (interaction)',
    ...publicKeys(discordKeys),
    provider: (publicKey) => discord({ publicKey }),
    sign: (publicKey, { timestamp, id, data = DATA }) => ({
      url: '/discord/interactions',
      ...signDiscord({
        payload: {
          id,
          application_id: '1100000000000000000',
          type: 2,
          token: 'interaction-token',
          version: 1,
          data: { name: 'ping', options: [{ name: 'note', type: 3, value: JSON.stringify(data) }] },
        },
        privateKey: privateKeyOf(publicKey) as string,
        timestamp,
      }),
    }),
    acceptedStatus: 204,
    signatureHeader: 'x-signature-ed25519',
    hexSignature: true,
    malformed: ['zz', 'abc', 'a'.repeat(126), '0'.repeat(128), 'a'.repeat(130)],
    signedHeaders: ['x-signature-timestamp'],
    retime: inHeader('x-signature-timestamp'),
  },
  {
    name: 'Zoom',
    ...sharedSecrets('zoom'),
    provider: (secret) => zoom({ secret }),
    sign: (secret, { timestamp, id, data = DATA }) => ({
      url: '/webhooks/zoom',
      ...signZoom({
        payload: {
          event: 'meeting.started',
          event_ts: timestamp * 1000,
          payload: { account_id: 'acc_1', object: { uuid: id, data } },
        },
        secret,
        timestamp,
      }),
    }),
    signatureHeader: 'x-zm-signature',
    hexSignature: true,
    malformed: ['abc', 'v0=zz', `v1=${'a'.repeat(64)}`, 'v0=', `V0=${'a'.repeat(64)}`],
    signedHeaders: ['x-zm-request-timestamp'],
    retime: inHeader('x-zm-request-timestamp'),
  },
  {
    name: 'Twitch EventSub',
    ...sharedSecrets('twitch'),
    // An EventSub secret is 10 to 100 characters (twitch() refuses others at construction).
    secretArbitrary: fc.stringMatching(/^[!-~][ -~]{8,62}[!-~]$/),
    provider: (secret) => twitch({ secret }),
    sign: (secret, { timestamp, id, data = DATA }) => ({
      url: '/webhooks/twitch',
      ...signTwitch({
        payload: {
          subscription: { id: 'sub_1', type: 'channel.follow', version: '2', status: 'enabled' },
          event: { user_id: '1337', broadcaster_user_id: '1', data },
        },
        secret,
        messageId: id,
        timestamp,
      }),
    }),
    signatureHeader: 'twitch-eventsub-message-signature',
    hexSignature: true,
    malformed: ['abc', 'sha256=zz', `sha1=${'a'.repeat(40)}`, 'sha256=', `SHA256=${'a'.repeat(64)}`],
    signedHeaders: ['twitch-eventsub-message-id', 'twitch-eventsub-message-timestamp'],
    retime: (delivery, timestamp) =>
      withHeader(
        delivery,
        'twitch-eventsub-message-timestamp',
        new Date(timestamp * 1000).toISOString().replace('Z', '000000Z'),
      ),
  },
  {
    name: 'GitLab',
    ...sharedSecrets('gitlab'),
    provider: (secretToken) => gitlab({ secretToken }),
    sign: (secretToken, { id, data = DATA }) => ({
      url: '/webhooks/gitlab',
      ...signGitLab({
        event: 'Push Hook',
        payload: { object_kind: 'push', data },
        secretToken,
        idempotencyKey: id,
      }),
    }),
    signatureHeader: 'x-gitlab-token',
    malformed: [' ', 'x'.repeat(10_000), ' gitlab-old-secret-0001', 'gitlab-old-secret-0001 '],
    signedHeaders: [],
    signsBody: false,
  },
  {
    name: 'hmac() Paddle-style (ts=…;h1=…)',
    ...sharedSecrets('paddle'),
    provider: paddle,
    sign: (secret, { timestamp, id, data = DATA }) => {
      const body = JSON.stringify({ event_id: id, event_type: 'transaction.completed', data })
      return {
        method: 'POST',
        url: '/webhooks/paddle',
        headers: {
          'content-type': 'application/json',
          'paddle-signature': paddleSignature(secret, timestamp, body),
        },
        body,
      }
    },
    signatureHeader: 'paddle-signature',
    signatureSeparator: ';',
    hexSignature: true,
    malformed: [
      'garbage',
      `ts=abc;h1=${'a'.repeat(64)}`,
      `ts=${NOW}`,
      `h1=${'a'.repeat(64)}`,
      `ts=${NOW};h1=zz`,
    ],
    signedHeaders: [],
    retime: (delivery, timestamp) =>
      withHeader(
        delivery,
        'paddle-signature',
        delivery.headers['paddle-signature']!.replace(/^ts=\d+/, `ts=${timestamp}`),
      ),
  },
  {
    name: 'hmac() with a timestamp header',
    ...sharedSecrets('acme'),
    provider: (secret) =>
      hmac({
        name: 'acme',
        secret,
        header: 'x-signature',
        prefix: 'sha256=',
        timestampFrom: 'x-timestamp',
        signedPayload: ({ timestamp, body }) => [`${timestamp}.`, body],
        idFrom: 'x-delivery-id',
      }),
    sign: (secret, { timestamp, id, data = DATA }) => {
      // The sender names the delivery in a header and the event in the body: deliveries of distinct events differ
      // in their signed bytes (an unsigned header id alone would be a replay, see test/dedup.test.ts).
      const body = JSON.stringify({ type: 'order.paid', event: id, data })
      const signature = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')
      return {
        method: 'POST',
        url: '/webhooks/acme',
        headers: {
          'content-type': 'application/json',
          'x-signature': `sha256=${signature}`,
          'x-timestamp': String(timestamp),
          'x-delivery-id': id,
        },
        body,
      }
    },
    signatureHeader: 'x-signature',
    hexSignature: true,
    malformed: [
      'md5=00',
      'garbage',
      'sha256=zz',
      'sha256=',
      `sha1=${'a'.repeat(40)}`,
      `SHA256=${'a'.repeat(64)}`,
    ],
    signedHeaders: ['x-timestamp'],
    retime: inHeader('x-timestamp'),
  },
  // ---- Issue 14, HMAC-family providers ----
  {
    name: 'Paddle',
    ...sharedSecrets('paddle-billing'),
    provider: (secret) => paddleBilling({ secret }),
    sign: (secret, { timestamp, id, data = DATA }) => ({
      url: '/webhooks/paddle',
      ...signPaddle({
        payload: {
          event_id: id,
          event_type: 'transaction.completed',
          occurred_at: '2023-11-14T22:13:20Z',
          data,
        },
        secret,
        timestamp,
      }),
    }),
    signatureHeader: 'paddle-signature',
    signatureSeparator: ';',
    hexSignature: true,
    malformed: [
      'garbage',
      `ts=${NOW}`,
      `h1=${'a'.repeat(64)}`,
      `ts=${NOW};h1=zz`,
      `ts=${NOW};h2=${'a'.repeat(64)}`,
    ],
    signedHeaders: [],
    retime: (delivery, timestamp) =>
      withHeader(
        delivery,
        'paddle-signature',
        delivery.headers['paddle-signature']!.replace(/^ts=\d+/, `ts=${timestamp}`),
      ),
  },
  {
    // No event id: the dedup id is a hash of the body, so the id travels in the signed body.
    name: 'Lemon Squeezy',
    ...sharedSecrets('lemonsqueezy'),
    provider: (secret) => lemonSqueezy({ secret }),
    sign: (secret, { id, data = DATA }) => ({
      url: '/webhooks/lemonsqueezy',
      ...signLemonSqueezy({
        payload: { meta: { event_name: 'order_created' }, data: { type: 'orders', id, attributes: data } },
        secret,
      }),
    }),
    signatureHeader: 'x-signature',
    hexSignature: true,
    malformed: ['zz', `sha256=${'a'.repeat(64)}`, 'a'.repeat(63), ''.padEnd(64, 'g')],
    signedHeaders: [],
  },
  {
    // The signed timestamp is the body's webhookTimestamp: retiming it changes signed bytes.
    name: 'Linear',
    ...sharedSecrets('lin_wh_linear'),
    provider: (secret) => linear({ secret }),
    sign: (secret, { timestamp, id, data = DATA }) => ({
      url: '/webhooks/linear',
      ...signLinear({
        payload: { action: 'create', type: 'Issue', data: { id: `issue-${id}`, data } },
        secret,
        timestamp,
        deliveryId: id,
      }),
    }),
    signatureHeader: 'linear-signature',
    hexSignature: true,
    malformed: ['zz', `sha256=${'a'.repeat(64)}`, 'a'.repeat(63)],
    signedHeaders: [],
    retime: (delivery, timestamp) => ({
      ...delivery,
      body: delivery.body.replace(/"webhookTimestamp":\d+/, `"webhookTimestamp":${timestamp * 1000}`),
    }),
  },
  {
    name: 'Intercom',
    ...sharedSecrets('intercom'),
    provider: (clientSecret) => intercom({ clientSecret }),
    sign: (clientSecret, { id, data = DATA }) => ({
      url: '/webhooks/intercom',
      ...signIntercom({
        payload: {
          type: 'notification_event',
          id,
          topic: 'conversation.user.created',
          delivery_attempts: 1,
          data: { item: data },
        },
        clientSecret,
      }),
    }),
    signatureHeader: 'x-hub-signature',
    hexSignature: true,
    malformed: ['sha256=00', 'sha1=', 'sha1=zz', `sha256=${'a'.repeat(64)}`, 'a'.repeat(40)],
    signedHeaders: [],
  },
  {
    name: 'Vercel',
    ...sharedSecrets('vercel'),
    provider: (secret) => vercel({ secret }),
    sign: (secret, { id, data = DATA }) => ({
      url: '/webhooks/vercel',
      ...signVercel({
        payload: { id, type: 'deployment.succeeded', createdAt: NOW * 1000, payload: data },
        secret,
      }),
    }),
    signatureHeader: 'x-vercel-signature',
    hexSignature: true,
    malformed: ['zz', `sha1=${'a'.repeat(40)}`, 'a'.repeat(39)],
    signedHeaders: [],
  },
  {
    // Request-ID and Sentry-Hook-Resource are not signed: the body carries the event, as GitHub's row does.
    name: 'Sentry',
    ...sharedSecrets('sentry'),
    provider: (clientSecret) => sentry({ clientSecret }),
    sign: (clientSecret, { timestamp, id, data = DATA }) => ({
      url: '/webhooks/sentry',
      ...signSentry({
        resource: 'issue',
        payload: {
          action: 'created',
          data: { issue: { id: `issue-${id}`, data } },
          installation: { uuid: 'i1' },
        },
        clientSecret,
        timestamp,
        requestId: id,
      }),
    }),
    signatureHeader: 'sentry-hook-signature',
    hexSignature: true,
    malformed: ['zz', `sha256=${'a'.repeat(64)}`, 'a'.repeat(63)],
    signedHeaders: [],
  },
  {
    name: 'Calendly',
    ...sharedSecrets('calendly'),
    provider: (signingKey) => calendly({ signingKey }),
    sign: (signingKey, { timestamp, id, data = DATA }) => ({
      url: '/webhooks/calendly',
      ...signCalendly({
        payload: {
          event: 'invitee.created',
          created_at: '2023-11-14T22:13:20.000000Z',
          payload: { uri: `https://api.calendly.com/scheduled_events/E1/invitees/${id}`, data },
        },
        signingKey,
        timestamp,
      }),
    }),
    signatureHeader: 'calendly-webhook-signature',
    hexSignature: true,
    malformed: ['v1=abc', 't=1', `v1=${'a'.repeat(64)}`, `t=${NOW},v1=zz`, `t=${NOW},v0=${'a'.repeat(64)}`],
    signedHeaders: [],
    retime: (delivery, timestamp) =>
      withHeader(
        delivery,
        'calendly-webhook-signature',
        delivery.headers['calendly-webhook-signature']!.replace(/^t=\d+/, `t=${timestamp}`),
      ),
  },
  {
    name: 'Coinbase Commerce',
    ...sharedSecrets('coinbase'),
    provider: (secret) => coinbaseCommerce({ secret }),
    sign: (secret, { id, data = DATA }) => ({
      url: '/webhooks/coinbase',
      ...signCoinbaseCommerce({
        event: { id, type: 'charge:confirmed', api_version: '2018-03-22', data },
        secret,
      }),
    }),
    signatureHeader: 'x-cc-webhook-signature',
    hexSignature: true,
    malformed: ['zz', `sha256=${'a'.repeat(64)}`, 'a'.repeat(63)],
    signedHeaders: [],
  },
  {
    // x-razorpay-event-id is not signed: the body carries the event, as GitHub's row does.
    name: 'Razorpay',
    ...sharedSecrets('razorpay'),
    provider: (secret) => razorpay({ secret }),
    sign: (secret, { id, data = DATA }) => ({
      url: '/webhooks/razorpay',
      ...signRazorpay({
        payload: {
          entity: 'event',
          account_id: 'acc_1',
          event: 'payment.captured',
          contains: ['payment'],
          payload: { payment: { entity: { id: `pay_${id}`, data } } },
          created_at: NOW,
        },
        secret,
        eventId: id,
      }),
    }),
    signatureHeader: 'x-razorpay-signature',
    hexSignature: true,
    malformed: ['zz', `sha256=${'a'.repeat(64)}`, 'a'.repeat(63)],
    signedHeaders: [],
  },
  {
    // Svix's own header names: svix-id and svix-timestamp are signed.
    ...standardWebhooksV1,
    name: 'Clerk',
    secrets: ['whsec_Y2xlcmstb2xk', 'whsec_Y2xlcmstbmV3', 'whsec_Y2xlcmstc3Ry'],
    provider: (secret) => clerk({ secret }),
    sign: (secret, { timestamp, id, data = DATA }) => ({
      url: '/webhooks/clerk',
      ...signClerk({ payload: { type: 'user.created', object: 'event', data }, secret, timestamp, id }),
    }),
    signatureHeader: 'svix-signature',
    signedHeaders: ['svix-id', 'svix-timestamp'],
    retime: inHeader('svix-timestamp'),
  },
  {
    ...standardWebhooksV1,
    name: 'Resend',
    secrets: ['whsec_cmVzZW5kLW9sZA==', 'whsec_cmVzZW5kLW5ldw==', 'whsec_cmVzZW5kLXN0cg=='],
    provider: (secret) => resend({ secret }),
    sign: (secret, { timestamp, id, data = DATA }) => ({
      url: '/webhooks/resend',
      ...signResend({
        payload: { type: 'email.delivered', created_at: '2023-11-14T22:13:20.000Z', data },
        secret,
        timestamp,
        id,
      }),
    }),
    signatureHeader: 'svix-signature',
    signedHeaders: ['svix-id', 'svix-timestamp'],
    retime: inHeader('svix-timestamp'),
  },
  {
    // The notification URL is signed, and comes from the option, never from the request.
    name: 'Square',
    ...sharedSecrets('square'),
    provider: (signatureKey) => square({ signatureKey, notificationUrl: SQUARE_URL }),
    sign: (signatureKey, { id, data = DATA }) => ({
      url: '/webhooks/square',
      ...signSquare({
        payload: {
          merchant_id: 'M1',
          type: 'payment.updated',
          event_id: id,
          created_at: '2023-11-14T22:13:20Z',
          data,
        },
        signatureKey,
        notificationUrl: SQUARE_URL,
      }),
    }),
    signatureHeader: 'x-square-hmacsha256-signature',
    malformed: ['not base64!!', 'AAAA', createHmac('sha256', 'x').update('y').digest('hex')],
    signedHeaders: [],
  },
  {
    // Method, URL (with the request's query), body and the millisecond timestamp header are signed.
    name: 'HubSpot',
    ...sharedSecrets('hubspot'),
    provider: (clientSecret) => hubspot({ clientSecret, url: HUBSPOT_URL }),
    sign: (clientSecret, { timestamp, id, data = DATA }) => ({
      url: '/webhooks/hubspot',
      ...signHubSpot({
        payload: [
          {
            eventId: Number.parseInt(createHmac('sha256', 'id').update(id).digest('hex').slice(0, 12), 16),
            subscriptionType: 'contact.propertyChange',
            attemptNumber: 0,
            objectId: 123,
            propertyName: 'note',
            propertyValue: JSON.stringify(data),
          },
        ],
        clientSecret,
        url: HUBSPOT_URL,
        timestamp,
      }),
    }),
    signatureHeader: 'x-hubspot-signature-v3',
    malformed: ['not base64!!', 'AAAA', createHmac('sha256', 'x').update('y').digest('hex')],
    signedHeaders: ['x-hubspot-request-timestamp'],
    retime: (delivery, timestamp) =>
      withHeader(delivery, 'x-hubspot-request-timestamp', String(timestamp * 1000)),
    otherTampers: [
      {
        what: 'a query parameter added to the URL',
        apply: (delivery) => ({ ...delivery, url: `${delivery.url}?x=1` }),
      },
    ],
  },
  {
    // Postmark signs nothing: the Basic credentials prove the sender, as GitLab's token does.
    name: 'Postmark',
    ...sharedSecrets('postmark'),
    provider: (passwords) => postmark({ username: 'postmark', password: passwords }),
    sign: (password, { id, data = DATA }) => ({
      url: '/webhooks/postmark',
      ...signPostmark({
        payload: { RecordType: 'Bounce', ID: 42, MessageID: id, Type: 'HardBounce', Metadata: data },
        username: 'postmark',
        password,
      }),
    }),
    signatureHeader: 'authorization',
    malformed: ['Bearer abc', 'Basic', 'Basic @@@', `Basic ${Buffer.from('postmark').toString('base64')}`],
    signedHeaders: [],
    signsBody: false,
  },
  {
    // No id and no timestamp: each item's dedup id is a hash of its signed content; the GET handshake is in
    // test/providers/meta.test.ts.
    name: 'Meta',
    ...sharedSecrets('meta'),
    provider: (appSecret) => meta({ appSecret, verifyToken: 'meta-verify-token' }),
    sign: (appSecret, { timestamp, id, data = DATA }) => ({
      url: '/webhooks/meta',
      ...signMeta({
        payload: {
          object: 'page',
          entry: [
            {
              id: 'PAGE_ID',
              time: timestamp * 1000,
              changes: [{ field: 'feed', value: { post_id: id, data } }],
            },
          ],
        },
        appSecret,
      }),
    }),
    signatureHeader: 'x-hub-signature-256',
    hexSignature: true,
    malformed: ['sha1=0123', 'sha256=', 'sha256=zz', `sha1=${'a'.repeat(40)}`, 'a'.repeat(64)],
    signedHeaders: [],
  },
  {
    // The signature object is in the body and signs only its timestamp and token; the token is the replay id.
    name: 'Mailgun',
    ...sharedSecrets('mailgun'),
    provider: (signingKey) => mailgun({ signingKey }),
    sign: (signingKey, { timestamp, id, data = DATA }) => ({
      url: '/webhooks/mailgun',
      ...signMailgun({
        payload: { id, event: 'delivered', timestamp: timestamp + 0.5, recipient: 'alice@example.com', data },
        signingKey,
        timestamp,
      }),
    }),
    signatureInBody: {
      read: (delivery) => JSON.parse(delivery.body).signature.signature,
      write: (delivery, value) =>
        withJsonBody(delivery, (body) => {
          if (value === undefined) delete body.signature.signature
          else body.signature.signature = value
        }),
    },
    hexSignature: true,
    malformed: ['zz', `sha256=${'a'.repeat(64)}`, 'a'.repeat(63), 'a'.repeat(64)],
    signedHeaders: [],
    signedContent: mailgunSignedContent,
    retime: (delivery, timestamp) =>
      withJsonBody(delivery, (body) => {
        body.signature.timestamp = String(timestamp)
      }),
    otherTampers: [
      {
        what: 'the token',
        apply: (delivery) =>
          withJsonBody(delivery, (body) => {
            body.signature.token = `${body.signature.token.slice(0, -1)}x`
          }),
      },
    ],
  },
  {
    // Each item signs eight of its fields; no timestamp, no header; every answer is [accepted].
    name: 'Adyen',
    secrets: [
      'DFB1EB5485895CFA84146406857104ABB4CBCABDC8AAF103A624C8F6A3EAAB00',
      '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
      'FEDCBA9876543210FEDCBA9876543210FEDCBA9876543210FEDCBA9876543210',
    ],
    secretArbitrary: hexKey,
    provider: (hmacKey) => adyen({ hmacKey }),
    sign: (hmacKey, { timestamp, id, data = DATA }) => ({
      url: '/webhooks/adyen',
      ...signAdyen({
        payload: {
          pspReference: id,
          eventCode: 'AUTHORISATION',
          success: 'true',
          merchantAccountCode: 'ShopCOM',
          merchantReference: `order-${id}`,
          amount: { value: 1130, currency: 'EUR' },
          eventDate: new Date(timestamp * 1000).toISOString(),
          paymentMethod: 'visa',
          operations: ['CANCEL', 'CAPTURE', 'REFUND'],
          reason: JSON.stringify(data),
          additionalData: { authCode: '012345' },
        },
        hmacKey,
      }),
    }),
    signatureInBody: {
      read: (delivery) => adyenItem(JSON.parse(delivery.body)).additionalData.hmacSignature,
      write: (delivery, value) =>
        withJsonBody(delivery, (body) => {
          if (value === undefined) delete adyenItem(body).additionalData.hmacSignature
          else adyenItem(body).additionalData.hmacSignature = value
        }),
    },
    malformed: [
      'not base64!!',
      'AAAA',
      createHmac('sha256', 'x').update('y').digest('hex'),
      'xhpHvYq2u2Np0rstbZ6QjLGu7JWhvf7Iwaa6EviJSX0',
    ],
    signedHeaders: [],
    signedContent: adyenSignedContent,
    otherTampers: [
      {
        what: 'the amount',
        apply: (delivery) =>
          withJsonBody(delivery, (body) => {
            adyenItem(body).amount.value += 1
          }),
      },
      {
        what: 'an item appended unsigned',
        apply: (delivery) =>
          withJsonBody(delivery, (body) => {
            body.notificationItems.push({
              NotificationRequestItem: { ...adyenItem(body), pspReference: 'other' },
            })
          }),
      },
    ],
  },
  {
    // RSA-SHA256 under the certificate at PAYPAL-CERT-URL (served by the row's fetch); the webhook id stands for the
    // secret: a delivery signed for another webhook does not verify.
    name: 'PayPal',
    secrets: ['8PT597110X687430LKGECATA', '1JE4291016473214C', 'STRANGER000000003'],
    secretArbitrary: fc.stringMatching(/^[0-9A-Z]{1,40}$/),
    provider: (webhookId) =>
      paypal({
        webhookId,
        fetch: payPalCertificateFetch({ [PAYPAL_CERT_URL]: payPalCertificate.certificate }),
      }),
    sign: (webhookId, { timestamp, id, data = DATA }) => ({
      url: '/webhooks/paypal',
      ...signPayPal({
        payload: {
          id,
          event_type: 'PAYMENT.CAPTURE.COMPLETED',
          event_version: '1.0',
          create_time: payPalTime(timestamp),
          resource_type: 'capture',
          resource: { id: `capture-${id}`, status: 'COMPLETED', data },
        },
        webhookId,
        privateKey: payPalCertificate.privateKey,
        certUrl: PAYPAL_CERT_URL,
        transmissionId: `tx-${id}`,
        timestamp,
      }),
    }),
    signatureHeader: 'paypal-transmission-sig',
    malformed: ['not base64!!', 'AAAA', createHmac('sha256', 'x').update('y').digest('hex')],
    signedHeaders: ['paypal-transmission-id', 'paypal-transmission-time'],
    retime: (delivery, timestamp) => withHeader(delivery, 'paypal-transmission-time', payPalTime(timestamp)),
  },
]

/** The row named `name`. */
export const providerCase = (name: string): ProviderCase => providerCases.find((c) => c.name === name)!
