/**
 * `npm run demo`: starts the Express example on 127.0.0.1 with embedded demo secrets, fires real signed deliveries
 * at it over HTTP (valid, forged, stale, duplicate, a Twilio SMS answered with TwiML, a SendGrid batch with a
 * duplicate item inside), prints what came back, then does the same from the command line with the built
 * `webhook-receiver send` (docs/cli.md), and exits 0 only if every outcome was the expected one.
 */
import { execFile } from 'node:child_process'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import {
  generateSendGridKeyPair,
  signGitHub,
  signSendGrid,
  signStripe,
  signTwilio,
  type SignedDelivery,
} from 'webhook-receiver/testing'
import { createApp } from '../examples/express/app.js'

// Demo-only secrets, embedded so the demo runs with nothing to configure. Never reuse them.
const STRIPE_SECRET = 'whsec_demo_only_not_a_real_secret'
const GITHUB_SECRET = 'demo only, not a real secret'
const TWILIO_AUTH_TOKEN = 'demo_only_not_a_real_auth_token'
const SENDGRID_KEYS = generateSendGridKeyPair()

interface Case {
  what: string
  route: string
  delivery: SignedDelivery
  expectStatus: number
  /** How many handler runs this delivery must cause (a duplicate: none). */
  expectRuns: number
  /** Text the answer must contain (Twilio's TwiML reply). */
  expectReply?: string
}

const handled: string[] = []
const app = createApp({
  stripeSecret: STRIPE_SECRET,
  githubSecret: GITHUB_SECRET,
  twilioAuthToken: TWILIO_AUTH_TOKEN,
  sendgridPublicKey: SENDGRID_KEYS.publicKey,
  onHandled: (provider, type, id) => handled.push(`${provider}:${type}:${id}`),
})

const server = app.listen(0, '127.0.0.1')
await new Promise<void>((resolve) => server.once('listening', () => resolve()))
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

const now = Math.floor(Date.now() / 1000)
const payment = {
  id: 'evt_demo_1',
  object: 'event',
  type: 'payment_intent.succeeded',
  data: { object: { id: 'pi_demo_1', object: 'payment_intent', amount: 4200, currency: 'eur' } },
}
const validStripe = signStripe({ payload: payment, secret: STRIPE_SECRET, timestamp: now })
const emailEvent = (id: string, event: string) => ({
  email: 'ada@example.com',
  timestamp: now,
  event,
  sg_event_id: id,
})
const firstBatch = signSendGrid({
  payload: [emailEvent('sg_1', 'processed'), emailEvent('sg_2', 'delivered')],
  privateKey: SENDGRID_KEYS.privateKey,
})
// SendGrid retried a batch that overlaps the first: sg_2 was already handled, sg_3 is new.
const overlappingBatch = signSendGrid({
  payload: [emailEvent('sg_2', 'delivered'), emailEvent('sg_3', 'open')],
  privateKey: SENDGRID_KEYS.privateKey,
})
const { url: _twilioUrl, ...sms } = signTwilio({
  url: `${base}/webhooks/twilio`,
  params: {
    MessageSid: 'SM00000000000000000000000000001234',
    From: '+15551230000',
    To: '+15559870000',
    Body: 'My order has not arrived',
  },
  authToken: TWILIO_AUTH_TOKEN,
})

const cases: Case[] = [
  {
    what: 'Stripe payment_intent.succeeded',
    route: '/webhooks/stripe',
    delivery: validStripe,
    expectStatus: 200,
    expectRuns: 1,
  },
  {
    what: 'GitHub issues.opened',
    route: '/webhooks/github',
    delivery: signGitHub({
      event: 'issues',
      payload: { action: 'opened', issue: { number: 1, title: 'Demo issue' } },
      secret: GITHUB_SECRET,
      deliveryId: '9a7c3f00-0000-4000-8000-000000000001',
    }),
    expectStatus: 200,
    expectRuns: 1,
  },
  {
    what: 'Stripe event, forged (wrong secret)',
    route: '/webhooks/stripe',
    delivery: signStripe({
      payload: { ...payment, id: 'evt_forged' },
      secret: 'whsec_attacker',
      timestamp: now,
    }),
    expectStatus: 401,
    expectRuns: 0,
  },
  {
    what: 'GitHub event, forged (body changed)',
    route: '/webhooks/github',
    delivery: (() => {
      const signed = signGitHub({
        event: 'issues',
        payload: { action: 'opened', issue: { number: 2, title: 'a' } },
        secret: GITHUB_SECRET,
      })
      return { ...signed, body: signed.body.replace('"a"', '"b"') }
    })(),
    expectStatus: 401,
    expectRuns: 0,
  },
  {
    what: 'Stripe event, stale (signed 10 min ago)',
    route: '/webhooks/stripe',
    delivery: signStripe({
      payload: { ...payment, id: 'evt_stale' },
      secret: STRIPE_SECRET,
      timestamp: now - 600,
    }),
    expectStatus: 401,
    expectRuns: 0,
  },
  {
    what: 'Stripe event, duplicate of the first',
    route: '/webhooks/stripe',
    delivery: validStripe,
    expectStatus: 200,
    expectRuns: 0,
  },
  {
    what: 'Twilio SMS, answered with TwiML',
    route: '/webhooks/twilio',
    delivery: sms,
    expectStatus: 200,
    expectRuns: 1,
    expectReply: 'Ticket T-1234',
  },
  {
    what: 'SendGrid batch of 2 events',
    route: '/webhooks/sendgrid',
    delivery: firstBatch,
    expectStatus: 200,
    expectRuns: 2,
  },
  {
    what: 'SendGrid batch, 1 duplicate + 1 new',
    route: '/webhooks/sendgrid',
    delivery: overlappingBatch,
    expectStatus: 200,
    expectRuns: 1,
  },
]

const rows: string[][] = [['#', 'sent', 'status', 'code', 'handler runs', 'expected', '']]
const replies: string[] = []
let failures = 0
for (const [index, item] of cases.entries()) {
  const before = handled.length
  const response = await fetch(base + item.route, {
    method: 'POST',
    headers: item.delivery.headers,
    body: item.delivery.body,
  })
  const text = await response.text()
  const code = response.ok
    ? text.includes('"duplicate":true')
      ? 'duplicate'
      : '-'
    : (JSON.parse(text) as { code: string }).code
  const runs = handled.length - before
  const ok =
    response.status === item.expectStatus &&
    runs === item.expectRuns &&
    (item.expectReply === undefined || text.includes(item.expectReply))
  if (item.expectReply !== undefined)
    replies.push(`${item.what}: ${response.headers.get('content-type')} ${text}`)
  if (!ok) failures++
  rows.push([
    String(index + 1),
    item.what,
    String(response.status),
    code,
    String(runs),
    `${item.expectStatus}, ${item.expectRuns} run${item.expectRuns === 1 ? '' : 's'}`,
    ok ? 'ok' : 'UNEXPECTED',
  ])
}
// The same from a shell: the built command (`npx webhook-receiver send`, docs/cli.md) signs a ready-made event and
// checks a tampered one is refused; its exit code says whether the answers were the expected ones.
const bin = fileURLToPath(new URL('../dist/bin/webhook-receiver.js', import.meta.url))
const commandLines: string[] = []
for (const check of [[], ['--tamper']]) {
  const args = ['send', 'stripe', '--url', `${base}/webhooks/stripe`, ...check]
  const shown = `$ WEBHOOK_RECEIVER_SECRET=… npx webhook-receiver ${args.join(' ')}`
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [bin, ...args], {
      env: { ...process.env, WEBHOOK_RECEIVER_SECRET: STRIPE_SECRET },
    })
    commandLines.push(shown, ...stdout.trimEnd().split('\n'))
  } catch (error) {
    failures++
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string }
    commandLines.push(shown, ...`${stdout}${stderr}`.trimEnd().split('\n'), 'UNEXPECTED (non-zero exit)')
  }
}
server.close()

const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)))
const line = (row: string[]) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ')
console.log(`\nwebhook-receiver demo: an Express app on ${base}, receiving real signed deliveries\n`)
console.log(line(rows[0]!))
console.log(widths.map((width) => '-'.repeat(width)).join('  '))
for (const row of rows.slice(1)) console.log(line(row))
for (const reply of replies) console.log(`\n${reply}`)
console.log('\nFrom the command line:\n')
for (const commandLine of commandLines) console.log(`  ${commandLine}`)
console.log(
  failures === 0
    ? '\nEvery outcome was the expected one.'
    : `\n${failures} outcome(s) were not the expected one.`,
)
process.exitCode = failures === 0 ? 0 : 1
