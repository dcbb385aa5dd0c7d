/**
 * The built command, dist/bin/webhook-receiver.js (the suite builds dist/ before vitest starts), run as a real
 * process against real receivers on 127.0.0.1: one node:http server with a route per provider, each a receiver
 * whose handlers record what they ran. What `send` signs must verify, and dispatch under the name of the event it
 * claims; the checks (--stale, --tamper, --replay-of) must be refused as they claim, and exit non-zero when an
 * endpoint answers otherwise; `dead-letters` and `replay` work on a real Redis through BullMQ.
 */
import { execFile } from 'node:child_process'
import { generateKeyPairSync } from 'node:crypto'
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createReceiver, tenantSecrets, type Provider, type Receiver } from '../../src/index.js'
import { nodeHandler } from '../../src/adapters/node.js'
import { adyen } from '../../src/providers/adyen.js'
import { calendly } from '../../src/providers/calendly.js'
import { clerk } from '../../src/providers/clerk.js'
import { coinbaseCommerce } from '../../src/providers/coinbase.js'
import { discord } from '../../src/providers/discord.js'
import { github } from '../../src/providers/github.js'
import { gitlab } from '../../src/providers/gitlab.js'
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
import { sendgrid } from '../../src/providers/sendgrid.js'
import { sentry } from '../../src/providers/sentry.js'
import { shopify } from '../../src/providers/shopify.js'
import { slack } from '../../src/providers/slack.js'
import { square } from '../../src/providers/square.js'
import { standardWebhooks } from '../../src/providers/standard-webhooks.js'
import { stripe } from '../../src/providers/stripe.js'
import { twilio } from '../../src/providers/twilio.js'
import { twitch } from '../../src/providers/twitch.js'
import { vercel } from '../../src/providers/vercel.js'
import { zoom } from '../../src/providers/zoom.js'
import { bullmqQueue, type BullmqEventQueue } from '../../src/queues/bullmq.js'
import {
  generateDiscordKeyPair,
  generatePayPalCertificate,
  generateStandardWebhooksKeyPair,
  payPalCertificateFetch,
} from '../../src/testing/index.js'
import { SENDERS } from '../../src/cli/senders.js'
import { silentLogger } from '../support/helpers.js'
import { QUEUE_BACKENDS, startQueueBackend, type QueueBackend } from '../support/queue-backend.js'

const BIN = resolve(import.meta.dirname, '../../dist/bin/webhook-receiver.js')
const UNTIL = { timeout: 20_000, interval: 25 }

interface Run {
  code: number
  stdout: string
  stderr: string
}

/** Runs the built command as its own process (async: the receivers answering it live in this one). */
function cli(args: string[], options: { env?: Record<string, string>; bin?: string } = {}): Promise<Run> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [options.bin ?? BIN, ...args],
      { env: { ...process.env, ...options.env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1
        done({ code, stdout, stderr })
      },
    )
  })
}

// ---- The receivers --------------------------------------------------------------------------------------------------

const discordKeys = generateDiscordKeyPair()
const ed25519Keys = generateStandardWebhooksKeyPair()
const sendgridKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' })
const SENDGRID_PUBLIC = sendgridKeys.publicKey.export({ type: 'spki', format: 'der' }).toString('base64')
/** A PEM starts with dashes, which read as an option: it is passed as a file, as docs/cli.md says. */
const keyDir = mkdtempSync(join(tmpdir(), 'webhook-receiver-cli-keys-'))
const SENDGRID_KEY_FILE = join(keyDir, 'sendgrid.pem')
writeFileSync(SENDGRID_KEY_FILE, sendgridKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, {
  mode: 0o600,
})

/** PayPal's certificate, served (as docs/cli.md says) at the URL `send paypal` names, by the endpoint's own fetch. */
const payPal = await generatePayPalCertificate()
const PAYPAL_CERT_URL = 'https://api.paypal.com/v1/notifications/certs/CERT-webhook-receiver-cli'
const PAYPAL_KEY_FILE = join(keyDir, 'paypal.pem')
writeFileSync(PAYPAL_KEY_FILE, payPal.privateKey, { mode: 0o600 })
const PAYPAL_WEBHOOK_ID = '8PT597110X687430LKGECATA'
const ADYEN_HMAC_KEY = '44782def547aaa06c910c43932b1eb0c71fc68d9d0c057550c48ec2acf6ba056'

const secret = (name: string) => `cli-test-${name}-secret-0001`
const WHSEC = 'whsec_Y2xpLXRlc3Qtc2VjcmV0LWJ5dGVz'

interface Case {
  /** `send <name>` */
  name: string
  provider: (url: string) => Provider<any, any>
  /** The credential flags `send` needs. */
  flags: string[]
  /** The event types the default event's handlers run under (a batch runs one per item). */
  defaultTypes: string[]
}

/** Every provider the CLI signs for, with a receiver configured as its real endpoint would be. */
const CASES: Case[] = [
  {
    name: 'adyen',
    provider: () => adyen({ hmacKey: ADYEN_HMAC_KEY }),
    flags: ['--secret', ADYEN_HMAC_KEY],
    defaultTypes: ['AUTHORISATION'],
  },
  {
    name: 'calendly',
    provider: () => calendly({ signingKey: secret('calendly') }),
    flags: ['--secret', secret('calendly')],
    defaultTypes: ['invitee.created'],
  },
  {
    name: 'clerk',
    provider: () => clerk({ secret: WHSEC }),
    flags: ['--secret', WHSEC],
    defaultTypes: ['user.created'],
  },
  {
    name: 'coinbase',
    provider: () => coinbaseCommerce({ secret: secret('coinbase') }),
    flags: ['--secret', secret('coinbase')],
    defaultTypes: ['charge:confirmed'],
  },
  {
    name: 'discord',
    provider: () => discord({ publicKey: discordKeys.publicKey }),
    flags: ['--private-key', discordKeys.privateKey],
    defaultTypes: ['APPLICATION_COMMAND'],
  },
  {
    name: 'github',
    provider: () => github({ secret: secret('github') }),
    flags: ['--secret', secret('github')],
    defaultTypes: ['push'],
  },
  {
    name: 'gitlab',
    provider: () => gitlab({ secretToken: secret('gitlab') }),
    flags: ['--secret', secret('gitlab')],
    defaultTypes: ['Push Hook'],
  },
  {
    name: 'hubspot',
    provider: (url) => hubspot({ clientSecret: secret('hubspot'), url }),
    flags: ['--secret', secret('hubspot')],
    defaultTypes: ['contact.creation'],
  },
  {
    name: 'intercom',
    provider: () => intercom({ clientSecret: secret('intercom') }),
    flags: ['--secret', secret('intercom')],
    defaultTypes: ['conversation.user.created'],
  },
  {
    name: 'lemonsqueezy',
    provider: () => lemonSqueezy({ secret: secret('lemonsqueezy') }),
    flags: ['--secret', secret('lemonsqueezy')],
    defaultTypes: ['order_created'],
  },
  {
    name: 'linear',
    provider: () => linear({ secret: 'lin_wh_cli_test_secret' }),
    flags: ['--secret', 'lin_wh_cli_test_secret'],
    defaultTypes: ['Issue'],
  },
  {
    name: 'mailgun',
    provider: () => mailgun({ signingKey: secret('mailgun') }),
    flags: ['--secret', secret('mailgun')],
    defaultTypes: ['delivered'],
  },
  {
    name: 'meta',
    provider: () => meta({ appSecret: secret('meta'), verifyToken: 'cli-test-verify-token' }),
    flags: ['--secret', secret('meta')],
    defaultTypes: ['whatsapp_business_account.messages'],
  },
  {
    name: 'paddle',
    provider: () => paddle({ secret: 'pdl_ntfset_cli_test_secret' }),
    flags: ['--secret', 'pdl_ntfset_cli_test_secret'],
    defaultTypes: ['transaction.completed'],
  },
  {
    name: 'paypal',
    provider: () =>
      paypal({
        webhookId: PAYPAL_WEBHOOK_ID,
        fetch: payPalCertificateFetch({ [PAYPAL_CERT_URL]: payPal.certificate }),
      }),
    flags: ['--private-key-file', PAYPAL_KEY_FILE, '--webhook-id', PAYPAL_WEBHOOK_ID],
    defaultTypes: ['PAYMENT.CAPTURE.COMPLETED'],
  },
  {
    name: 'postmark',
    provider: () => postmark({ username: 'postmark', password: secret('postmark') }),
    flags: ['--username', 'postmark', '--secret', secret('postmark')],
    defaultTypes: ['Delivery'],
  },
  {
    name: 'razorpay',
    provider: () => razorpay({ secret: secret('razorpay') }),
    flags: ['--secret', secret('razorpay')],
    defaultTypes: ['payment.captured'],
  },
  {
    name: 'resend',
    provider: () => resend({ secret: WHSEC }),
    flags: ['--secret', WHSEC],
    defaultTypes: ['email.delivered'],
  },
  {
    name: 'sendgrid',
    provider: () => sendgrid({ publicKey: SENDGRID_PUBLIC }),
    flags: ['--private-key-file', SENDGRID_KEY_FILE],
    defaultTypes: ['processed', 'delivered', 'open', 'click'],
  },
  {
    name: 'sentry',
    provider: () => sentry({ clientSecret: secret('sentry') }),
    flags: ['--secret', secret('sentry')],
    defaultTypes: ['issue.created'],
  },
  {
    name: 'shopify',
    provider: () => shopify({ secret: secret('shopify') }),
    flags: ['--secret', secret('shopify')],
    defaultTypes: ['orders/create'],
  },
  {
    name: 'slack',
    provider: () => slack({ signingSecret: secret('slack') }),
    flags: ['--secret', secret('slack')],
    defaultTypes: ['/deploy'],
  },
  {
    name: 'square',
    provider: (url) => square({ signatureKey: secret('square'), notificationUrl: url }),
    flags: ['--secret', secret('square')],
    defaultTypes: ['payment.updated'],
  },
  {
    name: 'standard-webhooks',
    provider: () => standardWebhooks({ secret: WHSEC }),
    flags: ['--secret', WHSEC],
    defaultTypes: ['invoice.paid'],
  },
  {
    name: 'stripe',
    provider: () => stripe({ secret: 'whsec_cli_test_secret' }),
    flags: ['--secret', 'whsec_cli_test_secret'],
    defaultTypes: ['payment_intent.succeeded'],
  },
  {
    name: 'twilio',
    provider: (url) => twilio({ authToken: secret('twilio'), url }),
    flags: ['--secret', secret('twilio')],
    defaultTypes: ['message.received'],
  },
  {
    name: 'twitch',
    provider: () => twitch({ secret: secret('twitch') }),
    flags: ['--secret', secret('twitch')],
    defaultTypes: ['channel.follow'],
  },
  {
    name: 'vercel',
    provider: () => vercel({ secret: secret('vercel') }),
    flags: ['--secret', secret('vercel')],
    defaultTypes: ['deployment.succeeded'],
  },
  {
    name: 'zoom',
    provider: () => zoom({ secret: secret('zoom') }),
    flags: ['--secret', secret('zoom')],
    defaultTypes: ['meeting.started'],
  },
]

/** Ready-made events the receiver answers itself (a handshake): accepted, but no handler runs. */
const HANDSHAKES = new Set(['discord PING', 'zoom endpoint.url_validation'])

interface Ran {
  id: string
  type: string
  rawBody: string
}

let server: Server
let base: string
const receivers = new Map<string, Receiver<any>>()
const ran = new Map<string, Ran[]>()
const runsOf = (name: string) => ran.get(name) ?? []

/** The URL of a route: `/hooks/<name>` on the test server. */
const urlOf = (name: string) => `${base}/hooks/${name}`

beforeAll(async () => {
  server = createServer((req, res) => {
    const name = req.url?.split('?')[0]?.slice('/hooks/'.length) ?? ''
    const receiver = receivers.get(name)
    if (receiver === undefined) {
      // A careless endpoint: accepts anything, verifies nothing (what the checks must catch).
      req.resume()
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'))
      return
    }
    void nodeHandler(receiver)(req, res)
  })
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening))
  const address = server.address()
  base = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`
  for (const testCase of CASES) {
    const receiver = createReceiver({
      provider: testCase.provider(urlOf(testCase.name)),
      logger: silentLogger(),
    })
    receiver.onAny((event) => {
      ran.set(testCase.name, [
        ...runsOf(testCase.name),
        { id: event.id, type: event.type, rawBody: Buffer.from(event.rawBody).toString('utf8') },
      ])
    })
    receivers.set(testCase.name, receiver)
  }
})

afterAll(async () => {
  await new Promise((closed) => server?.close(closed))
  rmSync(keyDir, { recursive: true, force: true })
})

const send = (testCase: Case, ...args: string[]) =>
  cli(['send', testCase.name, '--url', urlOf(testCase.name), ...testCase.flags, ...args])

/** Runs `task` over `items`, a few at a time: the machine is shared. */
async function inBatches<T>(items: T[], task: (item: T) => Promise<void>, size = 4): Promise<void> {
  for (let index = 0; index < items.length; index += size)
    await Promise.all(items.slice(index, index + size).map(task))
}

describe('the package', () => {
  it('has a CLI sender for every signer of webhook-receiver/testing, and a test case for every CLI sender', () => {
    const signers = ['calendly', 'clerk', 'coinbase', 'discord', 'github', 'gitlab', 'hubspot', 'intercom']
    // The signer modules themselves, so a provider added without its CLI sender fails here.
    const modules = readFileSync(resolve(import.meta.dirname, '../../src/testing/index.ts'), 'utf8')
      .split('\n')
      .flatMap((line) => /^export \* from '\.\/(.+)\.js'$/.exec(line)?.[1] ?? [])
    expect(modules).toEqual(expect.arrayContaining(signers))
    expect(SENDERS.map((sender) => sender.name).sort()).toEqual([...modules].sort())
    expect(CASES.map((testCase) => testCase.name).sort()).toEqual([...modules].sort())
  })

  it('ships an executable command with its shebang', async () => {
    expect(readFileSync(BIN, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true)
    expect(statSync(BIN).mode & 0o111).not.toBe(0)
    const run = await new Promise<Run>((done) =>
      execFile(BIN, ['--help'], (error, stdout, stderr) => done({ code: error ? 1 : 0, stdout, stderr })),
    )
    expect(run).toMatchObject({ code: 0, stderr: '' })
    expect(run.stdout).toContain('Usage: webhook-receiver <command>')
  })
})

describe('send', () => {
  it.each(CASES.map((testCase) => [testCase.name, testCase] as const))(
    '%s: the default event verifies, and its handlers run under the types it claims',
    async (_, testCase) => {
      const before = runsOf(testCase.name).length
      const run = await send(testCase)
      expect(run.stderr).toBe('')
      expect(run).toMatchObject({ code: 0 })
      expect(run.stdout).toMatch(/#1 {2}20[04] /)
      expect(run.stdout).toContain('1 of 1 answered as expected.')
      const runs = runsOf(testCase.name).slice(before)
      expect(runs.map((event) => event.type)).toEqual(testCase.defaultTypes)
    },
  )

  it('every other ready-made event of every provider is accepted, and dispatched under its own name', async () => {
    // The default events are the test above's.
    const events = CASES.flatMap((testCase) => {
      const sender = SENDERS.find(({ name }) => name === testCase.name)!
      return Object.keys(sender.fixtures)
        .filter((event) => event !== sender.defaultEvent)
        .map((event) => ({ testCase, event }))
    })
    expect(events.length).toBeGreaterThan(15)
    const failures: string[] = []
    await inBatches(events, async ({ testCase, event }) => {
      const before = runsOf(testCase.name).map((run) => run.id)
      const run = await send(testCase, '--event', event)
      const types = runsOf(testCase.name)
        .filter((entry) => !before.includes(entry.id))
        .map((entry) => entry.type)
      const handshake = HANDSHAKES.has(`${testCase.name} ${event}`)
      // A batch of several items (SendGrid's) runs once per item, each under the item's own type: the event is
      // the batch's name. A batch of one (Meta's, Adyen's, most of SendGrid's) runs under the event's name.
      const dispatched = handshake ? types.length === 0 : types.includes(event) || types.length > 1
      if (run.code !== 0 || !dispatched)
        failures.push(
          `${testCase.name} ${event}: exit ${run.code}, ran ${JSON.stringify(types)}\n${run.stdout}${run.stderr}`,
        )
    })
    expect(failures).toEqual([])
  }, 120_000)

  it('postmark: the Basic credentials may sit in --url, as Postmark keeps them, and are never printed', async () => {
    const before = runsOf('postmark').length
    const url = urlOf('postmark').replace('http://', `http://postmark:${secret('postmark')}@`)
    const run = await cli(['send', 'postmark', '--url', url])
    expect(run).toMatchObject({ code: 0, stderr: '' })
    expect(run.stdout).not.toContain(secret('postmark'))
    expect(runsOf('postmark').length).toBe(before + 1)
  })

  it('--signed-url: the URL Square signs, when the request goes elsewhere (a proxy in front)', async () => {
    const squareCase = CASES.find((testCase) => testCase.name === 'square')!
    const elsewhere = `${urlOf('square')}?via=proxy`
    const unsigned = await cli(['send', 'square', '--url', elsewhere, ...squareCase.flags])
    expect(unsigned.code).toBe(1)
    expect(unsigned.stdout).toMatch(/#1 {2}401 signature_invalid /)
    const signed = await cli([
      'send',
      'square',
      '--url',
      elsewhere,
      '--signed-url',
      urlOf('square'),
      ...squareCase.flags,
    ])
    expect(signed).toMatchObject({ code: 0, stderr: '' })
  })

  it('--signed-url: Twilio signs the public URL, the request goes to --url (the proxy in front)', async () => {
    // A receiver behind a proxy: it checks the signature against its public URL, not against its own route. The
    // public URL is another path of the test server, where nothing verifies, so only a post to --url runs a handler.
    const route = 'twilio-behind-proxy'
    const publicUrl = `${base}/public/twilio`
    const receiver = createReceiver({
      provider: twilio({ authToken: secret('twilio'), url: publicUrl }),
      logger: silentLogger(),
    })
    receiver.onAny((event) => {
      ran.set(route, [...runsOf(route), { id: event.id, type: event.type, rawBody: '' }])
    })
    receivers.set(route, receiver)
    try {
      const flags = ['send', 'twilio', '--url', urlOf(route), '--secret', secret('twilio')]
      const unsigned = await cli(flags)
      expect(unsigned.code).toBe(1)
      expect(unsigned.stdout).toMatch(/#1 {2}401 signature_invalid /)
      const signed = await cli([...flags, '--signed-url', publicUrl])
      expect(signed).toMatchObject({ code: 0, stderr: '' })
      expect(runsOf(route)).toHaveLength(1)
    } finally {
      receivers.delete(route)
    }
  })

  it('--count 3 sends three new events, each run once', async () => {
    const stripeCase = CASES.find((testCase) => testCase.name === 'stripe')!
    const before = runsOf('stripe').length
    const run = await send(stripeCase, '--count', '3')
    expect(run).toMatchObject({ code: 0, stderr: '' })
    expect(run.stdout.match(/#\d\/3 {2}200 /g)).toHaveLength(3)
    const ids = runsOf('stripe')
      .slice(before)
      .map((event) => event.id)
    expect(ids).toHaveLength(3)
    expect(new Set(ids).size).toBe(3)
  })

  it('--file sends the file byte for byte; --event names the type where a header carries it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'webhook-receiver-cli-'))
    try {
      const file = join(dir, 'issue.json')
      // Tabs and a key order of its own: sent as written, not re-serialised.
      const content =
        '{\n\t"action": "opened",\n\t"zen": "Zoë ✓",\n\t"issue": { "number": 7, "title": "From a file" }\n}\n'
      writeFileSync(file, content)
      const githubCase = CASES.find((testCase) => testCase.name === 'github')!
      const withoutEvent = await send(githubCase, '--file', file)
      expect(withoutEvent.code).toBe(2)
      expect(withoutEvent.stderr).toContain('pass --event push (or issues.opened, …) with --file')
      const before = runsOf('github').length
      const run = await send(githubCase, '--file', file, '--event', 'issues.opened')
      expect(run).toMatchObject({ code: 0, stderr: '' })
      expect(runsOf('github').slice(before)).toEqual([
        expect.objectContaining({ type: 'issues.opened', rawBody: content }),
      ])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('--file for Mailgun is the event-data object, and for Adyen a notification as Adyen posts it, signed anew', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'webhook-receiver-cli-'))
    try {
      const mailgunFile = join(dir, 'event-data.json')
      writeFileSync(mailgunFile, JSON.stringify({ id: 'CPgfbmQMTCKtHW6uIWtuVe', event: 'complained' }))
      const mailgunBefore = runsOf('mailgun').length
      const mailgunRun = await send(
        CASES.find(({ name }) => name === 'mailgun')!,
        '--file',
        mailgunFile,
      )
      expect(mailgunRun).toMatchObject({ code: 0, stderr: '' })
      const [complained] = runsOf('mailgun').slice(mailgunBefore)
      expect(complained?.type).toBe('complained')
      expect(JSON.parse(complained!.rawBody)['event-data']).toEqual({
        id: 'CPgfbmQMTCKtHW6uIWtuVe',
        event: 'complained',
      })

      const adyenFile = join(dir, 'notification.json')
      const item = (pspReference: string, eventCode: string) => ({
        NotificationRequestItem: {
          additionalData: { hmacSignature: 'c2lnbmVkIHVuZGVyIGFub3RoZXIga2V5' },
          amount: { currency: 'EUR', value: 1130 },
          eventCode,
          eventDate: '2026-12-01T10:00:00+01:00',
          merchantAccountCode: 'YourCompanyECOM',
          merchantReference: 'order-4711',
          pspReference,
          success: 'true',
        },
      })
      writeFileSync(
        adyenFile,
        JSON.stringify({
          live: 'false',
          notificationItems: [item('FILE000000000001', 'AUTHORISATION'), item('FILE000000000002', 'CAPTURE')],
        }),
      )
      const adyenBefore = runsOf('adyen').length
      const adyenRun = await send(
        CASES.find(({ name }) => name === 'adyen')!,
        '--file',
        adyenFile,
      )
      expect(adyenRun).toMatchObject({ code: 0, stderr: '' })
      expect(
        runsOf('adyen')
          .slice(adyenBefore)
          .map((event) => event.type),
      ).toEqual(['AUTHORISATION', 'CAPTURE'])

      writeFileSync(adyenFile, JSON.stringify({ pspReference: 'X', eventCode: 'REFUND' }))
      const incomplete = await send(
        CASES.find(({ name }) => name === 'adyen')!,
        '--file',
        adyenFile,
      )
      expect(incomplete.code).toBe(2)
      expect(incomplete.stderr).toContain('amount { value, currency }')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('--tamper: every provider that signs the body refuses it (401 signature_invalid), and no handler runs', async () => {
    const signing = CASES.filter(
      (testCase) => SENDERS.find((sender) => sender.name === testCase.name)!.noSignedBody === undefined,
    )
    expect(signing.map((testCase) => testCase.name)).not.toContain('gitlab')
    const failures: string[] = []
    await inBatches(signing, async (testCase) => {
      const before = runsOf(testCase.name).length
      const run = await send(testCase, '--tamper')
      if (
        run.code !== 0 ||
        !/#1 {2}401 signature_invalid /.test(run.stdout) ||
        runsOf(testCase.name).length !== before
      )
        failures.push(`${testCase.name}: exit ${run.code}\n${run.stdout}${run.stderr}`)
    })
    expect(failures).toEqual([])
  }, 120_000)

  it('--stale: every provider that signs a timestamp refuses it (401 timestamp_out_of_tolerance)', async () => {
    const timed = CASES.filter(
      (testCase) => SENDERS.find((sender) => sender.name === testCase.name)!.noTimestamp === undefined,
    )
    expect(timed.map((testCase) => testCase.name)).toEqual(
      expect.arrayContaining([
        'stripe',
        'slack',
        'sendgrid',
        'standard-webhooks',
        'discord',
        'twitch',
        'linear',
        'mailgun',
        'paypal',
      ]),
    )
    const failures: string[] = []
    await inBatches(timed, async (testCase) => {
      const before = runsOf(testCase.name).length
      const run = await send(testCase, '--stale')
      if (
        run.code !== 0 ||
        !/#1 {2}401 timestamp_out_of_tolerance /.test(run.stdout) ||
        runsOf(testCase.name).length !== before
      )
        failures.push(`${testCase.name}: exit ${run.code}\n${run.stdout}${run.stderr}`)
    })
    expect(failures).toEqual([])
  }, 120_000)

  it('--stale and --tamper say so, and exit 2, where the sender signs no timestamp or no content', async () => {
    const github = await send(
      CASES.find((testCase) => testCase.name === 'github')!,
      '--stale',
    )
    expect(github.code).toBe(2)
    expect(github.stderr).toContain('GitHub signs no timestamp')
    const gitlab = await send(
      CASES.find((testCase) => testCase.name === 'gitlab')!,
      '--tamper',
    )
    expect(gitlab.code).toBe(2)
    expect(gitlab.stderr).toContain('GitLab signs no content')
    const byName = (name: string) => CASES.find((testCase) => testCase.name === name)!
    const checks: [string, string, string][] = [
      ['meta', '--stale', 'Meta signs no timestamp'],
      ['adyen', '--stale', 'Adyen signs no timestamp'],
      ['adyen', '--tamper', 'Adyen signs eight fields of each item'],
      ['mailgun', '--tamper', 'Mailgun signs only the timestamp and token'],
    ]
    for (const [name, flag, message] of checks) {
      const run = await send(byName(name), flag)
      expect(run.code, `${name} ${flag}`).toBe(2)
      expect(run.stderr).toContain(message)
    }
  })

  it.each(['stripe', 'twilio', 'sendgrid', 'meta', 'mailgun', 'adyen', 'paypal'])(
    '%s: --save then --replay-of sends the same bytes again, and the endpoint does not run it twice',
    async (name) => {
      const testCase = CASES.find((entry) => entry.name === name)!
      const dir = mkdtempSync(join(tmpdir(), 'webhook-receiver-cli-'))
      try {
        const file = join(dir, 'delivery.json')
        const before = runsOf(name).length
        const first = await send(testCase, '--save', file)
        expect(first).toMatchObject({ code: 0, stderr: '' })
        const runs = runsOf(name).length - before
        expect(runs).toBe(testCase.defaultTypes.length)
        expect(statSync(file).mode & 0o077).toBe(0) // it holds signatures: the owner's only
        const saved = JSON.parse(readFileSync(file, 'utf8'))
        expect(saved.deliveries).toHaveLength(1)
        // What the handler got is what was saved (a batch's items each carry the whole body).
        expect(runsOf(name).at(-1)?.rawBody).toBe(saved.deliveries[0].body)

        const replay = await cli(['send', '--replay-of', file])
        expect(replay).toMatchObject({ code: 0, stderr: '' })
        expect(replay.stdout).toContain(`replay of ${name}`)
        expect(replay.stdout).toContain('1 of 1 answered as expected.')
        // This library says so in its JSON answer; to Twilio it answers its empty TwiML instead, to Adyen
        // `[accepted]`, the answers those senders read.
        if (name !== 'twilio' && name !== 'adyen') expect(replay.stdout).toMatch(/#1 {2}200 duplicate /)
        expect(runsOf(name).length - before).toBe(runs)
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    },
  )
})

describe('the exit code', () => {
  it('is 1 when the endpoint accepts what it must refuse, or refuses what it must accept', async () => {
    const careless = await cli([
      'send',
      'stripe',
      '--url',
      `${base}/careless`,
      '--secret',
      'whsec_x_test',
      '--tamper',
    ])
    expect(careless.code).toBe(1)
    expect(careless.stdout).toContain('UNEXPECTED, expected 401 signature_invalid')
    const stale = await cli([
      'send',
      'stripe',
      '--url',
      `${base}/careless`,
      '--secret',
      'whsec_x_test',
      '--stale',
    ])
    expect(stale.code).toBe(1)

    const wrong = 'whsec_the_wrong_secret_4711'
    const refused = await cli(['send', 'stripe', '--url', urlOf('stripe'), '--secret', wrong])
    expect(refused.code).toBe(1)
    expect(refused.stdout).toMatch(/#1 {2}401 signature_invalid .*UNEXPECTED, expected 2xx/)
    expect(refused.stdout + refused.stderr).not.toContain(wrong)
  })

  it('is 1 when no answer comes', async () => {
    const closed = createServer()
    await new Promise<void>((listening) => closed.listen(0, '127.0.0.1', listening))
    const { port } = closed.address() as { port: number }
    await new Promise((done) => closed.close(done))
    const run = await cli(['send', 'github', '--url', `http://127.0.0.1:${port}/x`, '--secret', 'gh-secret'])
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(/no answer: .*ECONNREFUSED/)
  })

  it('is 2, with a message saying how to fix it, for a command line that cannot run', async () => {
    const cases: [string[], string][] = [
      [['send', 'strpe', '--url', base], 'unknown provider "strpe". Did you mean stripe?'],
      [['send', 'hmac', '--url', base], 'hmac() cannot be sent from the CLI'],
      [['send', 'stripe', '--secret', 'whsec_x'], 'needs --url <your endpoint>'],
      [['send', 'stripe', '--url', base], 'pass --secret <the endpoint signing secret, whsec_…>'],
      [['send', 'discord', '--url', base], 'webhook-receiver keygen discord'],
      [
        ['send', 'sendgrid', '--url', base, '--private-key', '-----BEGIN PRIVATE KEY-----'],
        '--private-key-file <path>',
      ],
      [
        ['send', 'stripe', '--url', base, '--secret', 'whsec_x', '--event', 'nope'],
        'Ready-made: payment_intent.succeeded',
      ],
      [
        ['send', 'stripe', '--url', base, '--secret', 'whsec_x', '--count', '0'],
        '--count takes a whole number',
      ],
      [['send', 'stripe', '--url', base, '--secret', 'whsec_x', '--stale', '--tamper'], 'pass one of them'],
      [['send', 'stripe', '--url', 'ftp://example.com', '--secret', 'whsec_x'], 'http or https'],
      [['send', 'stripe', '--colour'], "Unknown option '--colour'"],
      [['send', '--replay-of', '/nonexistent/file.json'], 'Pass a file written by `send … --save <file>`'],
      [['frobnicate'], 'unknown command "frobnicate"'],
      [['dead-letters', '--provider', 'stripe'], '--redis <url> or --postgres <url>'],
      [['replay', '--redis', 'redis://127.0.0.1:1'], 'replay takes the event id'],
      [['keygen', 'stripe'], 'keygen takes one of discord, paypal, sendgrid, standard-webhooks'],
      [['send', 'paypal', '--url', base, '--webhook-id', 'WH-1'], 'webhook-receiver keygen paypal'],
      [['send', 'paypal', '--url', base, '--private-key-file', PAYPAL_KEY_FILE], 'pass --webhook-id <id>'],
      [
        [
          'send',
          'paypal',
          '--url',
          base,
          '--private-key-file',
          PAYPAL_KEY_FILE,
          '--webhook-id',
          'WH-1',
          '--cert-url',
          'http://127.0.0.1/cert.pem',
        ],
        "--cert-url must be one of PayPal's certificate URLs",
      ],
      [['send', 'adyen', '--url', base, '--secret', 'not-hex'], 'an Adyen HMAC key is hex'],
      [['send', 'meta', '--url', base], 'pass --secret <the App Secret'],
    ]
    const failures: string[] = []
    await inBatches(cases, async ([args, message]) => {
      const run = await cli(args)
      if (run.code !== 2 || !run.stderr.includes(message) || run.stderr.includes('    at '))
        failures.push(`${args.join(' ')}: exit ${run.code}\n${run.stderr}`)
    })
    expect(failures).toEqual([])
  }, 60_000)

  it('never prints a secret, not even when a signer refuses it', async () => {
    const key = 'not-a-pem-private-key-but-a-secret-value'
    const run = await cli(['send', 'sendgrid', '--url', urlOf('sendgrid'), '--private-key', key])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('cannot sign as SendGrid')
    expect(run.stdout + run.stderr).not.toContain(key)
    const fromEnv = await cli(['send', 'stripe', '--url', `${base}/careless`], {
      env: { WEBHOOK_RECEIVER_SECRET: 'whsec_from_the_environment' },
    })
    expect(fromEnv.code).toBe(0)
    expect(fromEnv.stdout + fromEnv.stderr).not.toContain('whsec_from_the_environment')
  })
})

describe('keygen paypal', () => {
  it('prints a key and certificate in one file that send --private-key-file and the endpoint both read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'webhook-receiver-cli-paypal-'))
    try {
      const run = await cli(['keygen', 'paypal'])
      expect(run).toMatchObject({ code: 0, stderr: '' })
      expect(run.stdout).toContain(PAYPAL_CERT_URL)
      expect(run.stdout).toContain('-----BEGIN CERTIFICATE-----')
      expect(run.stdout).toContain('-----BEGIN PRIVATE KEY-----')
      const file = join(dir, 'paypal-dev.pem')
      writeFileSync(file, run.stdout, { mode: 0o600 })
      // Another certificate URL (a sandbox-looking one, given with --cert-url), as a developer may choose.
      const certUrl = 'https://api.sandbox.paypal.com/v1/notifications/certs/CERT-dev'
      const types: string[] = []
      const receiver = createReceiver({
        provider: paypal({
          webhookId: 'WH-KEYGEN',
          fetch: payPalCertificateFetch({ [certUrl]: readFileSync(file, 'utf8') }),
        }),
        logger: silentLogger(),
      })
      receiver.onAny((event) => void types.push(event.type))
      receivers.set('keygen-paypal', receiver)
      const flags = ['--private-key-file', file, '--webhook-id', 'WH-KEYGEN']
      const sent = await cli([
        'send',
        'paypal',
        '--url',
        urlOf('keygen-paypal'),
        ...flags,
        '--cert-url',
        certUrl,
        '--event',
        'CHECKOUT.ORDER.APPROVED',
      ])
      expect(sent).toMatchObject({ code: 0, stderr: '' })
      expect(types).toEqual(['CHECKOUT.ORDER.APPROVED'])
      // Without --cert-url the delivery names a URL this endpoint serves no certificate for: PayPal is asked to
      // retry later, as when its certificate server is down.
      const elsewhere = await cli(['send', 'paypal', '--url', urlOf('keygen-paypal'), ...flags])
      expect(elsewhere.code).toBe(1)
      expect(elsewhere.stdout).toMatch(/#1 {2}503 certificate_unavailable /)
      // A webhook ID the endpoint does not have is no signature of its.
      const wrongId = await cli([
        'send',
        'paypal',
        '--url',
        urlOf('keygen-paypal'),
        '--private-key-file',
        file,
        '--webhook-id',
        'WH-OTHER',
        '--cert-url',
        certUrl,
      ])
      expect(wrongId.stdout).toMatch(/#1 {2}401 signature_invalid /)
      expect(types).toHaveLength(1)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('help', () => {
  it.each(['send', 'fixtures', 'keygen', 'dead-letters', 'replay'])('%s --help', async (command) => {
    const run = await cli([command, '--help'])
    expect(run).toMatchObject({ code: 0, stderr: '' })
    expect(run.stdout).toContain(`Usage: webhook-receiver ${command}`)
  })

  it('fixtures prints a payload that send --file accepts', async () => {
    const printed = await cli(['fixtures', 'shopify', 'orders/create'])
    expect(printed.code).toBe(0)
    const payload = JSON.parse(printed.stdout)
    expect(payload.line_items).toHaveLength(2)
    const listed = await cli(['fixtures', 'slack'])
    expect(listed.stdout).toMatch(/^\/deploy .*\(default\)$/m)
  })

  it('keygen makes a pair the endpoint and send agree on', async () => {
    const run = await cli(['keygen', 'standard-webhooks'])
    expect(run.code).toBe(0)
    const [publicKey, privateKey] = [/^whpk_\S+$/m.exec(run.stdout)?.[0], /^whsk_\S+$/m.exec(run.stdout)?.[0]]
    const receiver = createReceiver({
      provider: standardWebhooks({ publicKey: publicKey! }),
      logger: silentLogger(),
    })
    const types: string[] = []
    receiver.onAny((event) => void types.push(event.type))
    receivers.set('keygen', receiver)
    const sent = await cli([
      'send',
      'standard-webhooks',
      '--url',
      urlOf('keygen'),
      '--private-key',
      privateKey!,
    ])
    expect(sent).toMatchObject({ code: 0, stderr: '' })
    expect(types).toEqual(['invoice.paid'])
    // The Ed25519 pair the test made itself is accepted too (the v1a signature), and --tamper refused.
    receivers.set(
      'ed25519',
      createReceiver({
        provider: standardWebhooks({ publicKey: ed25519Keys.publicKey }),
        logger: silentLogger(),
      }),
    )
    const tampered = await cli([
      'send',
      'standard-webhooks',
      '--url',
      urlOf('ed25519'),
      '--private-key',
      ed25519Keys.privateKey,
      '--tamper',
    ])
    expect(tampered.code).toBe(0)
  })
})

for (const backendName of QUEUE_BACKENDS) {
  describe(`dead-letters and replay, on a real ${backendName === 'redis' ? 'Redis' : 'PostgreSQL'} through BullMQ`, () => {
    let backend: QueueBackend
    let queue: BullmqEventQueue
    let tenantQueue: BullmqEventQueue | undefined
    let failing = true
    const handled: string[] = []
    const NAMESPACE = `cli-${backendName}`
    const route = `queued-${backendName}`
    // A second receiver on the same server, one endpoint for many tenants: the tenant is in the URL's query.
    const TENANT_NAMESPACE = `cli-tenants-${backendName}`
    const tenantRoute = `queued-tenants-${backendName}`
    const tenantsHandled: string[] = []

    beforeAll(async () => {
      backend = await startQueueBackend(backendName)
      queue = bullmqQueue({ ...backend.options(), attempts: 1 })
      const receiver = createReceiver({
        provider: stripe({ secret: 'whsec_cli_queue_secret' }),
        queue,
        namespace: NAMESPACE,
        logger: silentLogger(),
      })
      receiver.on('payment_intent.succeeded', (event) => {
        if (failing) throw new Error(`the warehouse API is down\n(event ${event.id})`)
        handled.push(event.id)
      })
      receiver.work({ concurrency: 1 })
      receivers.set(route, receiver)

      tenantQueue = bullmqQueue({ ...backend.options(), attempts: 1 })
      const tenants = createReceiver({
        provider: stripe({
          secret: tenantSecrets({
            tenant: (request) =>
              new URL(request.url, 'http://localhost').searchParams.get('tenant') ?? undefined,
            secrets: (tenant) => (tenant === 'acme' ? 'whsec_cli_acme_secret' : undefined),
          }),
        }),
        queue: tenantQueue,
        namespace: TENANT_NAMESPACE,
        logger: silentLogger(),
      })
      tenants.on('payment_intent.succeeded', (event) => {
        if (failing) throw new Error('the warehouse API is down')
        tenantsHandled.push(`${event.tenant}/${event.id}`)
      })
      tenants.work({ concurrency: 1 })
      receivers.set(tenantRoute, tenants)
    }, 60_000)

    afterAll(async () => {
      await tenantQueue?.close()
      await queue?.close()
      await backend?.close()
    })

    const connection = () => [
      `--${backendName}`,
      backend.url,
      '--provider',
      'stripe',
      '--namespace',
      NAMESPACE,
    ]

    it('lists the dead letter of a failed event, replays it, and then lists none', async () => {
      const sent = await cli(['send', 'stripe', '--url', urlOf(route), '--secret', 'whsec_cli_queue_secret'])
      expect(sent).toMatchObject({ code: 0, stderr: '' })
      expect(sent.stdout).toMatch(/#1 {2}200 queued /)
      const receiver = receivers.get(route)!
      await expect.poll(async () => (await receiver.deadLetters()).length, UNTIL).toBe(1)
      const [letter] = await receiver.deadLetters()

      const listed = await cli(['dead-letters', ...connection()])
      expect(listed).toMatchObject({ code: 0, stderr: '' })
      expect(listed.stdout).toContain(`queue ${NAMESPACE}-stripe on ${backendName}`)
      expect(listed.stdout).toMatch(
        new RegExp(
          `^  ${letter!.id}  payment_intent\\.succeeded  1 attempt\\(s\\)  \\S+  the warehouse API is down \\(event`,
          'm',
        ),
      )
      const json = await cli(['dead-letters', ...connection(), '--json'])
      expect(JSON.parse(json.stdout.trim())).toMatchObject({
        id: letter!.id,
        type: 'payment_intent.succeeded',
        attempts: 1,
      })

      failing = false
      const replayed = await cli(['replay', letter!.id, ...connection()])
      expect(replayed).toMatchObject({ code: 0, stderr: '' })
      await expect.poll(() => handled, UNTIL).toEqual([letter!.id])
      const after = await cli(['dead-letters', ...connection()])
      expect(after.stdout).toContain('no dead letters')
    })

    it("lists a tenant's dead letter with its tenant, and replays it with --tenant", async () => {
      failing = true
      const url = `${urlOf(tenantRoute)}?tenant=acme`
      const sent = await cli(['send', 'stripe', '--url', url, '--secret', 'whsec_cli_acme_secret'])
      expect(sent).toMatchObject({ code: 0, stderr: '' })
      const tenants = receivers.get(tenantRoute)!
      await expect.poll(async () => (await tenants.deadLetters()).length, UNTIL).toBe(1)
      const [letter] = await tenants.deadLetters()
      expect(letter?.tenant).toBe('acme')
      const connection = [
        `--${backendName}`,
        backend.url,
        '--provider',
        'stripe',
        '--namespace',
        TENANT_NAMESPACE,
      ]

      const listed = await cli(['dead-letters', ...connection])
      expect(listed.stdout).toMatch(
        new RegExp(`^  ${letter!.id}  payment_intent\\.succeeded  tenant acme  1 attempt\\(s\\)  `, 'm'),
      )
      // The id alone names no job: a tenant's events are queued under its scope.
      const untenanted = await cli(['replay', letter!.id, ...connection])
      expect(untenanted.code).toBe(1)
      expect(untenanted.stderr).toContain('--tenant')

      failing = false
      const replayed = await cli(['replay', letter!.id, '--tenant', 'acme', ...connection])
      expect(replayed).toMatchObject({ code: 0, stderr: '' })
      await expect.poll(() => tenantsHandled, UNTIL).toEqual([`acme/${letter!.id}`])
    })

    it('replay of an id the queue does not hold exits 1, saying what to check', async () => {
      const run = await cli(['replay', 'evt_never_sent', ...connection()])
      expect(run.code).toBe(1)
      expect(run.stderr).toContain('holds no job for evt_never_sent')
    })
  })
}

describe('dead-letters and replay without bullmq', () => {
  it('says how to install bullmq when it is absent, and exits 2', async () => {
    // The built command alone, away from any node_modules: bullmq cannot be found.
    const dir = mkdtempSync(join(tmpdir(), 'webhook-receiver-cli-bin-'))
    try {
      cpSync(resolve(BIN, '..'), dir, { recursive: true })
      const run = await cli(['dead-letters', '--redis', 'redis://127.0.0.1:1', '--provider', 'stripe'], {
        bin: join(dir, 'webhook-receiver.js'),
      })
      expect(run.code).toBe(2)
      expect(run.stderr).toContain('bullmq is not installed here')
      // send needs nothing but the command itself.
      const sent = await cli(
        ['send', 'stripe', '--url', urlOf('stripe'), '--secret', 'whsec_cli_test_secret'],
        {
          bin: join(dir, 'webhook-receiver.js'),
        },
      )
      expect(sent).toMatchObject({ code: 0, stderr: '' })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
