/**
 * Clerk and Resend, the Standard Webhooks senders with their own names and event types, against their SDKs:
 * `@clerk/backend`'s verifyWebhook and `resend`'s webhooks.verify accept what the signers send, and the providers
 * accept what Svix (the `svix` package both deliver through) signs.
 */
import { verifyWebhook } from '@clerk/backend/webhooks'
import { Resend } from 'resend'
import { Webhook } from 'svix'
import { describe, expect, it } from 'vitest'
import { clerk } from '../../src/providers/clerk.js'
import { resend } from '../../src/providers/resend.js'
import { signClerk, signResend, toRequest } from '../../src/testing/index.js'
import { providerHarness } from '../support/provider-harness.js'

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
const NOW = 1_700_000_000

describe('Clerk', () => {
  const event = {
    type: 'user.created',
    object: 'event',
    timestamp: NOW * 1000,
    data: { id: 'user_29w83sxmDNGwOuEthce5gg56FcC' },
  }

  it("produces deliveries that @clerk/backend's verifyWebhook accepts", async () => {
    const delivery = signClerk({ payload: event, secret: SECRET })
    const verified = await verifyWebhook(toRequest('https://example.com/webhooks/clerk', delivery), {
      signingSecret: SECRET,
    })
    expect(verified.type).toBe('user.created')
    expect(verified.data.id).toBe(event.data.id)
  })

  it('accepts what Svix signs, under the svix-id, as a clerk event', async () => {
    const body = JSON.stringify(event)
    const date = new Date(NOW * 1000)
    const signature = new Webhook(SECRET).sign('msg_clerk_1', date, body)
    const { post, seen } = providerHarness(clerk({ secret: SECRET }), NOW)
    const headers = { 'svix-id': 'msg_clerk_1', 'svix-timestamp': String(NOW), 'svix-signature': signature }
    expect((await post({ headers, body })).status).toBe(200)
    expect(seen.map((e) => [e.provider, e.id, e.type])).toEqual([['clerk', 'msg_clerk_1', 'user.created']])
  })

  it('refuses a Clerk API key at construction', () => {
    expect(() => clerk({ secret: 'sk_live_0123456789abcdef' })).toThrow(/clerk\(\{ secret \}\).*API key/)
  })
})

describe('Resend', () => {
  const event = {
    type: 'email.delivered',
    created_at: '2023-11-14T22:13:20.000Z',
    data: { email_id: '56761188-7520-42d8-8898-ff6fc54ce618', from: 'a@example.com', to: ['b@example.com'] },
  }

  it("produces deliveries that resend's webhooks.verify accepts", () => {
    const delivery = signResend({ payload: event, secret: SECRET })
    const verified = new Resend('re_conformance').webhooks.verify({
      payload: delivery.body,
      headers: {
        id: delivery.headers['svix-id']!,
        timestamp: delivery.headers['svix-timestamp']!,
        signature: delivery.headers['svix-signature']!,
      },
      webhookSecret: SECRET,
    })
    expect(verified.type).toBe('email.delivered')
  })

  it('accepts what Svix signs, under the svix-id, as a resend event', async () => {
    const body = JSON.stringify(event)
    const signature = new Webhook(SECRET).sign('msg_resend_1', new Date(NOW * 1000), body)
    const { post, seen } = providerHarness(resend({ secret: SECRET }), NOW)
    const headers = { 'svix-id': 'msg_resend_1', 'svix-timestamp': String(NOW), 'svix-signature': signature }
    expect((await post({ headers, body })).status).toBe(200)
    expect(seen.map((e) => [e.provider, e.id, e.type])).toEqual([
      ['resend', 'msg_resend_1', 'email.delivered'],
    ])
  })

  it('refuses a Resend API key at construction', () => {
    expect(() => resend({ secret: 're_123456789_abcdefghijklmnop' })).toThrow(
      /resend\(\{ secret \}\).*API key/,
    )
  })
})
