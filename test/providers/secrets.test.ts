/**
 * Secrets are checked when a provider is created: an unset environment variable, a copy-paste artefact or an API
 * key pasted where the signing secret belongs fails at start-up with a message naming the option, never at the
 * first real delivery, and never echoing the value.
 */
import { generateKeyPairSync } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { adyen } from '../../src/providers/adyen.js'
import { calendly } from '../../src/providers/calendly.js'
import { clerk } from '../../src/providers/clerk.js'
import { coinbaseCommerce } from '../../src/providers/coinbase.js'
import { discord } from '../../src/providers/discord.js'
import { github } from '../../src/providers/github.js'
import { hubspot } from '../../src/providers/hubspot.js'
import { intercom } from '../../src/providers/intercom.js'
import { lemonSqueezy } from '../../src/providers/lemonsqueezy.js'
import { linear } from '../../src/providers/linear.js'
import { mailgun } from '../../src/providers/mailgun.js'
import { meta } from '../../src/providers/meta.js'
import { paddle } from '../../src/providers/paddle.js'
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
import { generateDiscordKeyPair, generateSendGridKeyPair } from '../../src/testing/index.js'

const privateKeyPem = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  .privateKey.export({ format: 'pem', type: 'pkcs8' })
  .toString()

/** Each provider built from one credential value, and a value of the right shape for it. */
const factories: { name: string; make: (value: unknown) => unknown; valid: string }[] = [
  { name: 'stripe', make: (secret) => stripe({ secret: secret as string }), valid: 'whsec_abc' },
  { name: 'github', make: (secret) => github({ secret: secret as string }), valid: 'gh secret' },
  {
    name: 'standardWebhooks',
    make: (secret) => standardWebhooks({ secret: secret as string }),
    valid: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  },
  { name: 'shopify', make: (secret) => shopify({ secret: secret as string }), valid: 'shpss_abc' },
  {
    name: 'slack',
    make: (signingSecret) => slack({ signingSecret: signingSecret as string }),
    valid: '8f742231b10e8888abcd99yyyzzz85a5',
  },
  {
    name: 'twilio',
    make: (authToken) => twilio({ authToken: authToken as string, url: 'https://example.com/sms' }),
    valid: '12345678901234567890123456789012',
  },
  {
    name: 'sendgrid',
    make: (publicKey) => sendgrid({ publicKey: publicKey as string }),
    valid: generateSendGridKeyPair().publicKey,
  },
  {
    name: 'discord',
    make: (publicKey) => discord({ publicKey: publicKey as string }),
    valid: generateDiscordKeyPair().publicKey,
  },
  { name: 'twitch', make: (secret) => twitch({ secret: secret as string }), valid: 'twitch eventsub secret' },
  { name: 'zoom', make: (secret) => zoom({ secret: secret as string }), valid: 'zoom secret token' },
  {
    name: 'adyen',
    make: (hmacKey) => adyen({ hmacKey: hmacKey as string }),
    valid: 'DFB1EB5485895CFA84146406857104ABB4CBCABDC8AAF103A624C8F6A3EAAB00',
  },
  {
    name: 'paypal',
    make: (webhookId) => paypal({ webhookId: webhookId as string }),
    valid: '8PT597110X687430LKGECATA',
  },
  {
    name: 'mailgun',
    make: (signingKey) => mailgun({ signingKey: signingKey as string }),
    valid: 'key-0123456789abcdef0123456789abcdef',
  },
  {
    name: 'meta',
    make: (appSecret) => meta({ appSecret: appSecret as string, verifyToken: 'my verify token' }),
    valid: 'c0ffee00c0ffee00c0ffee00c0ffee00',
  },
  {
    name: 'meta (verifyToken)',
    make: (verifyToken) =>
      meta({ appSecret: 'c0ffee00c0ffee00c0ffee00c0ffee00', verifyToken: verifyToken as string }),
    valid: 'my verify token',
  },
  {
    name: 'gitlab',
    make: (secretToken) => gitlab({ secretToken: secretToken as string }),
    valid: 'gl token',
  },
  {
    name: 'hmac',
    make: (secret) => hmac({ secret: secret as string, header: 'x-signature' }),
    valid: 'acme secret',
  },
  { name: 'paddle', make: (secret) => paddle({ secret: secret as string }), valid: 'pdl_ntfset_01_abc' },
  { name: 'lemonSqueezy', make: (secret) => lemonSqueezy({ secret: secret as string }), valid: 'ls secret' },
  { name: 'linear', make: (secret) => linear({ secret: secret as string }), valid: 'lin_wh_abc' },
  {
    name: 'intercom',
    make: (clientSecret) => intercom({ clientSecret: clientSecret as string }),
    valid: 'ic',
  },
  { name: 'vercel', make: (secret) => vercel({ secret: secret as string }), valid: 'vercel secret' },
  {
    name: 'sentry',
    make: (clientSecret) => sentry({ clientSecret: clientSecret as string }),
    valid: 'f'.repeat(64),
  },
  {
    name: 'calendly',
    make: (signingKey) => calendly({ signingKey: signingKey as string }),
    valid: 'cal key',
  },
  {
    name: 'coinbaseCommerce',
    make: (secret) => coinbaseCommerce({ secret: secret as string }),
    valid: 'cb secret',
  },
  { name: 'razorpay', make: (secret) => razorpay({ secret: secret as string }), valid: 'rp secret' },
  { name: 'clerk', make: (secret) => clerk({ secret: secret as string }), valid: 'whsec_Y2xlcms=' },
  { name: 'resend', make: (secret) => resend({ secret: secret as string }), valid: 'whsec_cmVzZW5k' },
  {
    name: 'square',
    make: (signatureKey) =>
      square({ signatureKey: signatureKey as string, notificationUrl: 'https://example.com/sq' }),
    valid: 'sq key',
  },
  {
    name: 'hubspot',
    make: (clientSecret) => hubspot({ clientSecret: clientSecret as string, url: 'https://example.com/hs' }),
    valid: '0a1b2c3d-0000-4000-8000-000000000000',
  },
  {
    name: 'postmark',
    make: (password) => postmark({ username: 'postmark', password: password as string }),
    valid: 'pm password',
  },
]

describe.each(factories)('$name secrets at construction', ({ make, valid }) => {
  it('accepts a well-formed secret, alone and in a rotation list', () => {
    expect(() => make(valid)).not.toThrow()
    expect(() => make([valid, valid])).not.toThrow()
  })

  it.each([
    ['undefined (an unset environment variable)', undefined],
    ['an empty string', ''],
    ['white space only', '   '],
    ['an empty rotation list', []],
    ['a list holding an empty secret', ['']],
  ])('throws a TypeError naming the option for %s', (_, value) => {
    expect(() => make(value)).toThrow(TypeError)
    expect(() => make(value)).toThrow(/\(\{ \w+ \}\)/)
  })

  it.each([
    ['leading', (secret: string) => ` ${secret}`],
    ['trailing', (secret: string) => `${secret}\n`],
  ])('throws for a secret with %s white space, without echoing it', (_, pad) => {
    expect(() => make(pad(valid))).toThrow(TypeError)
    expect(() => make(pad(valid))).toThrow(
      expect.objectContaining({ message: expect.stringContaining('white space') }),
    )
    expect(() => make(pad(valid))).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining(valid) }),
    )
  })
})

describe('credentials pasted where the signing secret belongs', () => {
  it.each([
    ['stripe: a secret API key', () => stripe({ secret: 'sk_live_51Habcdefghijklmnop' }), /whsec_/],
    [
      'stripe: a restricted key',
      () => stripe({ secret: 'rk_test_51Habcdefghijklmnop' }),
      /not a webhook signing secret/,
    ],
    ['slack: a bot token', () => slack({ signingSecret: 'xoxb-1234-5678-abcdef' }), /Slack token/],
    ['slack: an app-level token', () => slack({ signingSecret: 'xapp-1-A111-222-abc' }), /Slack token/],
    [
      'twilio: the Account SID',
      () => twilio({ authToken: 'AC0123456789abcdef0123456789abcdef', url: 'https://example.com/sms' }),
      /Account or API key SID/,
    ],
    [
      'shopify: an Admin API access token',
      () => shopify({ secret: 'shpat_0123456789abcdef' }),
      /access token/,
    ],
    [
      'standardWebhooks: a public key where the secret belongs',
      () => standardWebhooks({ secret: 'whpk_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }),
      /whsec_/,
    ],
    ['sendgrid: a private key', () => sendgrid({ publicKey: privateKeyPem }), /public key/],
  ])('refuses %s with a TypeError that says what to paste instead', (_, make, message) => {
    expect(make).toThrow(TypeError)
    expect(make).toThrow(message)
  })

  it('never puts the pasted value in the message', () => {
    const key = 'sk_live_51Hsupersecretvalue'
    expect(() => stripe({ secret: key })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining(key) }),
    )
  })
})
