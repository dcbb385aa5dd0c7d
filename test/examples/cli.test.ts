/**
 * The built command against an example app running as its own process (examples/express, started with tsx as
 * examples/README.md says, with its Twilio and SendGrid routes on): what `send` signs is accepted and handled once,
 * what --stale and --tamper send is refused, and a --replay-of is not handled again. `npm run test:examples` builds
 * dist/ first. The app prints `handled <provider> <type> <id>` per handler run; a line may arrive after the answer,
 * so counts are polled, and absences are read after a later delivery's line has arrived.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '../support/free-port.js'
import { startApp, stopAll, type AppProcess } from './app-process.js'

const BIN = resolve(import.meta.dirname, '../../dist/bin/webhook-receiver.js')
const STRIPE_SECRET = 'whsec_cli_examples_test_only'
const GITHUB_SECRET = 'cli examples test only'
const TWILIO_TOKEN = 'cli-examples-twilio-auth-token'

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], { timeout: 60_000 }, (error, stdout, stderr) => {
      done({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr })
    })
  })
}

describe('webhook-receiver send, against examples/express as a process', () => {
  let app: AppProcess
  let base: string
  let dir: string
  let sendgridKeyFile: string

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'webhook-receiver-cli-example-'))
    // The pair the CLI makes for SendGrid: the app gets the public key, send the private one.
    const keys = await cli(['keygen', 'sendgrid'])
    const publicKey = /public key[^\n]*\n(\S+)/.exec(keys.stdout)?.[1]
    const privateKey = /-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----/.exec(keys.stdout)?.[0]
    expect(publicKey).toBeDefined()
    sendgridKeyFile = join(dir, 'sendgrid.pem')
    writeFileSync(sendgridKeyFile, `${privateKey}\n`, { mode: 0o600 })
    const port = await freePort()
    app = await startApp(
      ['--import', 'tsx', 'examples/express/server.ts'],
      {
        ...process.env,
        NODE_ENV: 'production',
        PORT: String(port),
        STRIPE_WEBHOOK_SECRET: STRIPE_SECRET,
        GITHUB_WEBHOOK_SECRET: GITHUB_SECRET,
        TWILIO_AUTH_TOKEN: TWILIO_TOKEN,
        SENDGRID_WEBHOOK_PUBLIC_KEY: publicKey,
      },
      port,
    )
    base = `http://127.0.0.1:${port}/webhooks`
  })
  afterAll(async () => {
    await app?.stop()
    await stopAll()
    rmSync(dir, { recursive: true, force: true })
  })

  /** How many `handled <provider> <type> …` lines the app printed so far. */
  const handled = (provider: string, type: string) =>
    app
      .stdout()
      .split('\n')
      .filter((line) => line.startsWith(`handled ${provider} ${type} `)).length

  const sendStripe = (...args: string[]) =>
    cli(['send', 'stripe', '--url', `${base}/stripe`, '--secret', STRIPE_SECRET, ...args])

  /** Sends one more Stripe event and waits for its line: every line printed before it has then arrived. */
  async function settle(): Promise<void> {
    const before = handled('stripe', 'payment_intent.succeeded')
    expect((await sendStripe()).code).toBe(0)
    await expect.poll(() => handled('stripe', 'payment_intent.succeeded')).toBe(before + 1)
  }

  it('Stripe payment_intent.succeeded: 200, handled once', async () => {
    const before = handled('stripe', 'payment_intent.succeeded')
    const run = await sendStripe('--event', 'payment_intent.succeeded')
    expect(run).toMatchObject({ code: 0, stderr: '' })
    expect(run.stdout).toMatch(/#1 {2}200 /)
    await expect.poll(() => handled('stripe', 'payment_intent.succeeded')).toBe(before + 1)
  })

  it('GitHub issues.opened, --count 2: two events, each handled once', async () => {
    const before = handled('github', 'issues.opened')
    const run = await cli([
      'send',
      'github',
      '--url',
      `${base}/github`,
      '--secret',
      GITHUB_SECRET,
      '--event',
      'issues.opened',
      '--count',
      '2',
    ])
    expect(run).toMatchObject({ code: 0, stderr: '' })
    await expect.poll(() => handled('github', 'issues.opened')).toBe(before + 2)
  })

  it('Twilio SMS: signed for the URL it is posted to, verified by the app, handled once', async () => {
    const before = handled('twilio', 'message.received')
    const run = await cli(['send', 'twilio', '--url', `${base}/twilio`, '--secret', TWILIO_TOKEN])
    expect(run).toMatchObject({ code: 0, stderr: '' })
    await expect.poll(() => handled('twilio', 'message.received')).toBe(before + 1)
  })

  it('SendGrid batch: each of its four events handled', async () => {
    const count = () =>
      app
        .stdout()
        .split('\n')
        .filter((line) => line.startsWith('handled sendgrid ')).length
    const before = count()
    const run = await cli([
      'send',
      'sendgrid',
      '--url',
      `${base}/sendgrid`,
      '--private-key-file',
      sendgridKeyFile,
    ])
    expect(run).toMatchObject({ code: 0, stderr: '' })
    await expect.poll(count).toBe(before + 4)
  })

  it('--stale and --tamper are refused (401, the exit code 0 says so), and nothing is handled', async () => {
    const before = handled('stripe', 'payment_intent.succeeded')
    const stale = await sendStripe('--stale')
    expect(stale).toMatchObject({ code: 0, stderr: '' })
    expect(stale.stdout).toMatch(/#1 {2}401 timestamp_out_of_tolerance /)
    const tampered = await sendStripe('--tamper')
    expect(tampered).toMatchObject({ code: 0, stderr: '' })
    expect(tampered.stdout).toMatch(/#1 {2}401 signature_invalid /)
    await settle()
    expect(handled('stripe', 'payment_intent.succeeded')).toBe(before + 1)
  })

  it('--replay-of a saved delivery: 200 duplicate, not handled again', async () => {
    const file = join(dir, 'payment.json')
    const before = handled('stripe', 'payment_intent.succeeded')
    expect((await sendStripe('--save', file)).code).toBe(0)
    await expect.poll(() => handled('stripe', 'payment_intent.succeeded')).toBe(before + 1)
    const replay = await cli(['send', '--replay-of', file])
    expect(replay).toMatchObject({ code: 0, stderr: '' })
    expect(replay.stdout).toMatch(/#1 {2}200 duplicate /)
    await settle()
    expect(handled('stripe', 'payment_intent.succeeded')).toBe(before + 2)
  })
})
