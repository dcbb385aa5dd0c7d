/**
 * Stripe, GitHub and Standard Webhooks against their official SDKs and published vectors. The refusals (every
 * changed byte of a signed part, wrong secrets, tolerance) are the case table's: test/providers/tampering.test.ts.
 */
import { verify as octokitVerify, sign as octokitSign } from '@octokit/webhooks-methods'
import { Webhook } from 'standardwebhooks'
import Stripe from 'stripe'
import { describe, expect, it } from 'vitest'
import { createReceiver, type Provider, type WebhookRequest } from '../src/index.js'
import { github } from '../src/providers/github.js'
import { standardWebhooks } from '../src/providers/standard-webhooks.js'
import { stripe } from '../src/providers/stripe.js'
import { signGitHub, signStandardWebhooks, signStripe } from '../src/testing/index.js'
import { silentLogger } from './support/helpers.js'

const NOW = 1_700_000_000
const stripeSdk = new Stripe('sk_test_conformance')

function counted(provider: Provider<any, any>, nowSeconds = NOW) {
  const receiver = createReceiver({ provider, now: () => nowSeconds * 1000, logger: silentLogger() })
  const runs: string[] = []
  receiver.onAny((event) => {
    runs.push(event.type)
  })
  const post = (headers: Record<string, string>, body: string | Uint8Array) =>
    receiver.handle({ method: 'POST', url: '/hook', headers, body } satisfies WebhookRequest)
  return { receiver, runs, post }
}

describe('Stripe', () => {
  const secret = 'whsec_conformance'
  const body = JSON.stringify({
    id: 'evt_sdk',
    object: 'event',
    type: 'customer.created',
    data: { object: {} },
  })

  it("accepts a signature produced by stripe's generateTestHeaderString", async () => {
    const { post, runs } = counted(stripe({ secret }))
    const header = stripeSdk.webhooks.generateTestHeaderString({ payload: body, secret, timestamp: NOW })
    expect((await post({ 'stripe-signature': header }, body)).status).toBe(200)
    expect(runs).toEqual(['customer.created'])
  })

  it("produces deliveries that stripe's constructEvent accepts", () => {
    const delivery = signStripe({ payload: body, secret })
    expect(
      stripeSdk.webhooks.constructEvent(delivery.body, delivery.headers['stripe-signature']!, secret).id,
    ).toBe('evt_sdk')
  })

  it('accepts either secret while rotating, and a header whose second v1 entry is the valid one', async () => {
    const { post, runs } = counted(stripe({ secret: ['whsec_new', secret] }))
    const old = signStripe({ payload: body, secret, timestamp: NOW })
    const valid = old.headers['stripe-signature']!.split('v1=')[1]
    const header = `t=${NOW},v1=${'0'.repeat(64)},v1=${valid}`
    expect((await post({ 'stripe-signature': header }, body)).status).toBe(200)
    const fresh = signStripe({
      payload: body.replace('evt_sdk', 'evt_new'),
      secret: 'whsec_new',
      timestamp: NOW,
    })
    expect((await post(fresh.headers, fresh.body)).status).toBe(200)
    expect(runs).toHaveLength(2)
  })
})

describe('GitHub', () => {
  it("accepts GitHub's documented example as authentic, so its non-JSON body is a 400, not a 401", async () => {
    // docs.github.com, "Validating webhook deliveries": secret and payload from the "Testing the webhook payload
    // validation" section.
    const { receiver, post } = counted(github({ secret: "It's a Secret to Everybody" }))
    const headers = {
      'x-hub-signature-256': 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
      'x-github-event': 'ping',
      'x-github-delivery': 'example',
    }
    const response = await post(headers, 'Hello, World!')
    expect(response.status).toBe(400)
    expect(JSON.parse(response.body).code).toBe('body_malformed')
    await expect(
      receiver.verify({ method: 'POST', url: '/', headers, body: 'Hello, World!' }),
    ).rejects.toMatchObject({ code: 'body_malformed' })
    const wrong = {
      ...headers,
      'x-hub-signature-256': headers['x-hub-signature-256'].replace('757107', '757108'),
    }
    expect((await post(wrong, 'Hello, World!')).status).toBe(401)
  })

  it("accepts a signature produced by @octokit/webhooks-methods' sign", async () => {
    const { post, runs } = counted(github({ secret: 'gh secret' }))
    const body = JSON.stringify({ action: 'opened', issue: { number: 1 } })
    const signature = await octokitSign('gh secret', body)
    const headers = {
      'x-hub-signature-256': signature,
      'x-github-event': 'issues',
      'x-github-delivery': 'd1',
    }
    expect((await post(headers, body)).status).toBe(200)
    expect(runs).toEqual(['issues.opened'])
  })

  it("produces deliveries that @octokit/webhooks-methods' verify accepts", async () => {
    const delivery = signGitHub({ event: 'push', payload: { ref: 'refs/heads/main' }, secret: 'gh secret' })
    expect(await octokitVerify('gh secret', delivery.body, delivery.headers['x-hub-signature-256']!)).toBe(
      true,
    )
  })
})

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
    const { post, runs } = counted(standardWebhooks({ secret: vector.secret }), vector.timestamp)
    expect((await post(headers, vector.body)).status).toBe(200)
    expect(runs).toEqual(['']) // no `type` in the vector's body: dispatched to onAny only
  })

  it('accepts the svix-* header aliases', async () => {
    const { post } = counted(standardWebhooks({ secret: vector.secret }), vector.timestamp)
    const svix = {
      'svix-id': vector.id,
      'svix-timestamp': String(vector.timestamp),
      'svix-signature': vector.signature,
    }
    expect((await post(svix, vector.body)).status).toBe(200)
  })

  it('reads one header family whole: a webhook-id beside svix-* headers is not mixed in', async () => {
    const { post, runs } = counted(standardWebhooks({ secret: vector.secret }), vector.timestamp)
    const svix = {
      'svix-id': vector.id,
      'svix-timestamp': String(vector.timestamp),
      'svix-signature': vector.signature,
      'webhook-id': 'msg_another',
    }
    expect((await post(svix, vector.body)).status).toBe(200)
    const mixed = {
      'webhook-signature': vector.signature,
      'svix-id': vector.id,
      'svix-timestamp': String(vector.timestamp),
    }
    const refused = await post(mixed, vector.body)
    expect(refused.status).toBe(400)
    expect(runs).toHaveLength(1)
  })

  it("accepts a signature produced by standardwebhooks' sign, and its verify accepts ours", async () => {
    const secret = vector.secret
    const { post } = counted(standardWebhooks({ secret }))
    const body = JSON.stringify({ type: 'user.created', data: { id: 'u1' } })
    const signature = new Webhook(secret).sign('msg_1', new Date(NOW * 1000), body)
    expect(
      (
        await post(
          { 'webhook-id': 'msg_1', 'webhook-timestamp': String(NOW), 'webhook-signature': signature },
          body,
        )
      ).status,
    ).toBe(200)
    const ours = signStandardWebhooks({ payload: body, secret })
    expect(new Webhook(secret).verify(ours.body, ours.headers)).toEqual({
      type: 'user.created',
      data: { id: 'u1' },
    })
  })
})
