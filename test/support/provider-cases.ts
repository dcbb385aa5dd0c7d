/**
 * One row per provider: how to build it with a list of credentials, how its sender signs a delivery, and which
 * header carries the signature. Shared by the conformance table and the hostile-input properties.
 */
import { createHmac } from 'node:crypto'
import type { Provider } from '../../src/index.js'
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

export const NOW = 1_700_000_000
const URL = 'https://example.com/hook'
const sendgridKeys = [generateSendGridKeyPair(), generateSendGridKeyPair(), generateSendGridKeyPair()]

export interface ProviderCase {
  name: string
  /** Three distinct credentials: [0] and [1] are configured (rotation), [2] is a stranger's. */
  secrets: [string, string, string]
  provider: (secrets: string[]) => Provider<any, any>
  sign: (secret: string, timestamp: number, n: number) => SignedDelivery
  signatureHeader: string
  malformed: string
  /** Whether a signed timestamp exists; sign() then honours `timestamp`. */
  timestamped: boolean
  /** Headers whose values are signed besides the body (an id, a timestamp): changing one must be refused. */
  signedHeaders: string[]
  /** False for GitLab, which sends a token instead of signing the content. */
  signsBody?: false
  /**
   * What the scheme signs of the body, when it is not the bytes themselves: Twilio signs the sorted form fields
   * joined without separators, so two bodies with the same fields sign alike.
   */
  signedContent?: (body: Buffer) => string
}

const stripeEvent = (n: number) => ({ id: `evt_${n}`, type: 'customer.created', data: { object: {} } })
export const providerCases: ProviderCase[] = [
  {
    name: 'stripe',
    secrets: ['whsec_a', 'whsec_b', 'whsec_c'],
    provider: (secret) => stripe({ secret }),
    sign: (secret, timestamp, n) => signStripe({ payload: stripeEvent(n), secret, timestamp }),
    signatureHeader: 'stripe-signature',
    malformed: 'v1=abc',
    timestamped: true,
    // The signed timestamp travels inside the signature header: changing it is covered by re-signing.
    signedHeaders: [],
  },
  {
    name: 'github',
    secrets: ['first-secret-0001', 'second-secret-0002', 'stranger-secret-0003'],
    provider: (secret) => github({ secret }),
    sign: (secret, _t, n) => signGitHub({ event: 'push', payload: { ref: `r${n}` }, secret }),
    signatureHeader: 'x-hub-signature-256',
    malformed: 'sha1=0123',
    timestamped: false,
    signedHeaders: [],
  },
  {
    name: 'standard-webhooks',
    secrets: ['whsec_YWFhYWFhYWE=', 'whsec_YmJiYmJiYmI=', 'whsec_Y2NjY2NjY2M='],
    provider: (secret) => standardWebhooks({ secret }),
    sign: (secret, timestamp, n) => signStandardWebhooks({ payload: { type: 't', n }, secret, timestamp }),
    signatureHeader: 'webhook-signature',
    malformed: 'v1,@@@@',
    timestamped: true,
    signedHeaders: ['webhook-id', 'webhook-timestamp'],
  },
  {
    name: 'shopify',
    secrets: ['first-secret-0001', 'second-secret-0002', 'stranger-secret-0003'],
    provider: (secret) => shopify({ secret }),
    sign: (secret, _t, n) => signShopify({ topic: 'orders/create', payload: { id: n }, secret }),
    signatureHeader: 'x-shopify-hmac-sha256',
    malformed: '%%%',
    timestamped: false,
    signedHeaders: [],
  },
  {
    name: 'slack',
    secrets: ['first-secret-0001', 'second-secret-0002', 'stranger-secret-0003'],
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
    signedHeaders: ['x-slack-request-timestamp'],
  },
  {
    name: 'twilio',
    secrets: ['first-secret-0001', 'second-secret-0002', 'stranger-secret-0003'],
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
    signedContent: (body) => {
      const form = new URLSearchParams(body.toString('latin1'))
      return [...new Set(form.keys())]
        .sort()
        .map((name) => name + [...new Set(form.getAll(name))].sort().join(''))
        .join('')
    },
    signedHeaders: [],
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
    signedHeaders: ['x-twilio-email-event-webhook-timestamp'],
  },
  {
    name: 'gitlab',
    secrets: ['first-secret-0001', 'second-secret-0002', 'stranger-secret-0003'],
    provider: (secretToken) => gitlab({ secretToken }),
    sign: (secretToken, _t, n) => signGitLab({ event: 'Push Hook', payload: { n }, secretToken }),
    signatureHeader: 'x-gitlab-token',
    malformed: ' ',
    timestamped: false,
    signsBody: false,
    signedHeaders: [],
  },
  {
    name: 'hmac',
    secrets: ['first-secret-0001', 'second-secret-0002', 'stranger-secret-0003'],
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
    signedHeaders: ['x-timestamp'],
  },
]
