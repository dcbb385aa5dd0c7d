/**
 * Standard Webhooks against the specification's published vector and the official `standardwebhooks` library,
 * and the svix-* header family. Ed25519 (`v1a`) signatures: standard-webhooks-ed25519.test.ts.
 */
import { Webhook } from 'standardwebhooks'
import { describe, expect, it } from 'vitest'
import { standardWebhooks } from '../../src/providers/standard-webhooks.js'
import { signStandardWebhooks } from '../../src/testing/index.js'
import { providerHarness } from '../support/provider-harness.js'

const NOW = 1_700_000_000

describe('Standard Webhooks', () => {
  // standard-webhooks/standard-webhooks, libraries/javascript/src/webhook.test.ts and the spec's example.
  const vector = {
    secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
    timestamp: 1614265330,
    body: '{"test": 2432232314}',
    signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
  }
  const headers = {
    'webhook-id': vector.id,
    'webhook-timestamp': String(vector.timestamp),
    'webhook-signature': vector.signature,
  }

  it("accepts the specification's published vector", async () => {
    const { post, seen } = providerHarness(standardWebhooks({ secret: vector.secret }), vector.timestamp)
    expect((await post({ headers, body: vector.body })).status).toBe(200)
    expect(seen.map((event) => event.type)).toEqual(['']) // no `type` in the vector's body: dispatched to onAny only
  })

  it('accepts the svix-* header aliases', async () => {
    const { post } = providerHarness(standardWebhooks({ secret: vector.secret }), vector.timestamp)
    const svix = {
      'svix-id': vector.id,
      'svix-timestamp': String(vector.timestamp),
      'svix-signature': vector.signature,
    }
    expect((await post({ headers: svix, body: vector.body })).status).toBe(200)
  })

  it('reads one header family whole: a webhook-id beside svix-* headers is not mixed in', async () => {
    const { post, seen } = providerHarness(standardWebhooks({ secret: vector.secret }), vector.timestamp)
    const svix = {
      'svix-id': vector.id,
      'svix-timestamp': String(vector.timestamp),
      'svix-signature': vector.signature,
      'webhook-id': 'msg_another',
    }
    expect((await post({ headers: svix, body: vector.body })).status).toBe(200)
    const mixed = {
      'webhook-signature': vector.signature,
      'svix-id': vector.id,
      'svix-timestamp': String(vector.timestamp),
    }
    const refused = await post({ headers: mixed, body: vector.body })
    expect(refused.status).toBe(400)
    expect(seen).toHaveLength(1)
  })

  it("accepts a signature produced by standardwebhooks' sign, and its verify accepts ours", async () => {
    const secret = vector.secret
    const { post } = providerHarness(standardWebhooks({ secret }), NOW)
    const body = JSON.stringify({ type: 'user.created', data: { id: 'u1' } })
    const signature = new Webhook(secret).sign('msg_1', new Date(NOW * 1000), body)
    expect(
      (
        await post({
          headers: {
            'webhook-id': 'msg_1',
            'webhook-timestamp': String(NOW),
            'webhook-signature': signature,
          },
          body,
        })
      ).status,
    ).toBe(200)
    const ours = signStandardWebhooks({ payload: body, secret })
    expect(new Webhook(secret).verify(ours.body, ours.headers)).toEqual({
      type: 'user.created',
      data: { id: 'u1' },
    })
  })
})
