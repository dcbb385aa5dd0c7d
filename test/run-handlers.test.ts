/**
 * run-handlers.ts, each sender's deadline (docs/architecture.md, "Status policy"): a handler still running when the
 * sender would give up gets an answer sent for it at that moment, not a millisecond before; the answer is 202, or the
 * empty reply of a sender that reads the answer (Slack, Twilio). Timers are faked: this asserts when the answer comes,
 * without waiting for it.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createReceiver } from '../src/index.js'
import { silentLogger } from './support/helpers.js'
import { NOW, providerCases } from './support/provider-cases.js'

/** What each sender waits for (docs/providers.md), and what it is told when a handler outlives that. */
const EXPECTED: Record<
  string,
  { deadlineMs: number; status: number; contentType: string | undefined; body: RegExp }
> = {
  Stripe: { deadlineMs: 10_000, status: 202, contentType: 'application/json', body: /"pending":true/ },
  GitHub: { deadlineMs: 10_000, status: 202, contentType: 'application/json', body: /"pending":true/ },
  'Standard Webhooks': {
    deadlineMs: 15_000,
    status: 202,
    contentType: 'application/json',
    body: /"pending":true/,
  },
  Shopify: { deadlineMs: 5_000, status: 202, contentType: 'application/json', body: /"pending":true/ },
  // Slack acknowledges with an empty 200; any body would be shown to the user (slash commands).
  Slack: { deadlineMs: 3_000, status: 200, contentType: undefined, body: /^$/ },
  Twilio: { deadlineMs: 15_000, status: 200, contentType: 'text/xml', body: /<Response><\/Response>$/ },
  SendGrid: { deadlineMs: 10_000, status: 202, contentType: 'application/json', body: /"pending":true/ },
  // Discord reads the answer: a handler's interaction response, else an empty 204 (what webhook events expect).
  Discord: { deadlineMs: 3_000, status: 204, contentType: undefined, body: /^$/ },
  Zoom: { deadlineMs: 3_000, status: 202, contentType: 'application/json', body: /"pending":true/ },
  Twitch: { deadlineMs: 3_000, status: 202, contentType: 'application/json', body: /"pending":true/ },
  GitLab: { deadlineMs: 10_000, status: 202, contentType: 'application/json', body: /"pending":true/ },
  'hmac()': { deadlineMs: 10_000, status: 202, contentType: 'application/json', body: /"pending":true/ },
  Paddle: { deadlineMs: 5_000, status: 202, contentType: 'application/json', body: /"pending":true/ },
  'Lemon Squeezy': {
    deadlineMs: 10_000,
    status: 202,
    contentType: 'application/json',
    body: /"pending":true/,
  },
  Linear: { deadlineMs: 5_000, status: 202, contentType: 'application/json', body: /"pending":true/ },
  Intercom: { deadlineMs: 5_000, status: 202, contentType: 'application/json', body: /"pending":true/ },
  Vercel: { deadlineMs: 10_000, status: 202, contentType: 'application/json', body: /"pending":true/ },
  Sentry: { deadlineMs: 1_000, status: 202, contentType: 'application/json', body: /"pending":true/ },
  Calendly: { deadlineMs: 15_000, status: 202, contentType: 'application/json', body: /"pending":true/ },
  'Coinbase Commerce': {
    deadlineMs: 10_000,
    status: 202,
    contentType: 'application/json',
    body: /"pending":true/,
  },
  Razorpay: { deadlineMs: 5_000, status: 202, contentType: 'application/json', body: /"pending":true/ },
  Clerk: { deadlineMs: 15_000, status: 202, contentType: 'application/json', body: /"pending":true/ },
  Resend: { deadlineMs: 15_000, status: 202, contentType: 'application/json', body: /"pending":true/ },
  Square: { deadlineMs: 10_000, status: 202, contentType: 'application/json', body: /"pending":true/ },
  HubSpot: { deadlineMs: 5_000, status: 202, contentType: 'application/json', body: /"pending":true/ },
  // Adyen reads [accepted] from every answer.
  Adyen: { deadlineMs: 10_000, status: 200, contentType: 'text/plain', body: /^\[accepted\]$/ },
  PayPal: { deadlineMs: 10_000, status: 202, contentType: 'application/json', body: /"pending":true/ },
  Mailgun: { deadlineMs: 10_000, status: 202, contentType: 'application/json', body: /"pending":true/ },
  Meta: { deadlineMs: 20_000, status: 202, contentType: 'application/json', body: /"pending":true/ },
  Postmark: { deadlineMs: 10_000, status: 202, contentType: 'application/json', body: /"pending":true/ },
}

const expectedFor = (name: string) => {
  const key = Object.keys(EXPECTED).find((prefix) => name.startsWith(prefix))
  if (key === undefined) throw new Error(`no expected deadline for ${name}`)
  return EXPECTED[key]!
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
})
afterEach(() => {
  vi.useRealTimers()
})

describe.each(providerCases)('$name', (c) => {
  const expected = expectedFor(c.name)

  it(`answers a handler still running at ${expected.deadlineMs / 1000} s, and not before`, async () => {
    const receiver = createReceiver({
      provider: c.provider([c.secrets[0]]),
      now: () => NOW * 1000,
      logger: silentLogger(),
    })
    let finish!: () => void
    let finished = false
    receiver.onAny(
      () =>
        new Promise<void>((resolve) => {
          finish = () => {
            finished = true
            resolve()
          }
        }),
    )
    const delivery = c.sign(c.secrets[0], { timestamp: NOW, id: 'evt_deadline' })
    let answered = false
    const answer = receiver
      .handle({ method: 'POST', url: delivery.url, headers: delivery.headers, body: delivery.body })
      .finally(() => {
        answered = true
      })
    await vi.advanceTimersByTimeAsync(expected.deadlineMs - 1)
    expect(answered).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    const response = await answer
    expect(response.status).toBe(expected.status)
    if (expected.contentType === undefined) expect(response.headers['content-type']).toBeUndefined()
    else expect(response.headers['content-type']).toContain(expected.contentType)
    expect(response.body).toMatch(expected.body)
    // The handler goes on after the answer.
    expect(finished).toBe(false)
    finish()
  })
})
