/**
 * Standard Webhooks asymmetric signatures: `v1a,<base64 Ed25519 signature of "<id>.<timestamp>.<body>">`, checked
 * with `whpk_<base64 raw public key>` (standard-webhooks spec, "Asymmetric signatures"), beside `v1` HMAC.
 */
import { createHmac, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createReceiver, type WebhookEvent, type WebhookResponse } from '../../src/index.js'
import { standardWebhooks, type StandardWebhooksOptions } from '../../src/providers/standard-webhooks.js'
import { generateStandardWebhooksKeyPair, signStandardWebhooks } from '../../src/testing/index.js'
import { silentLogger } from '../support/helpers.js'

const NOW = 1_700_000_000
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
const PAYLOAD = { type: 'user.created', data: { id: 'user_1' } }
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex')

function setup(options: StandardWebhooksOptions, nowSeconds = NOW) {
  const receiver = createReceiver({
    provider: standardWebhooks(options),
    now: () => nowSeconds * 1000,
    logger: silentLogger(),
  })
  const seen: WebhookEvent[] = []
  receiver.onAny((event) => {
    seen.push(event)
  })
  const post = (delivery: { headers: Record<string, string>; body: string }): Promise<WebhookResponse> =>
    receiver.handle({ method: 'POST', url: '/hook', headers: delivery.headers, body: delivery.body })
  return { receiver, seen, post }
}

const problem = (response: WebhookResponse) => JSON.parse(response.body) as { code: string; status: number }

const v1a = (privateKey: string, overrides: { id?: string; timestamp?: number } = {}) =>
  signStandardWebhooks({ payload: PAYLOAD, privateKey, id: 'msg_ed1', timestamp: NOW, ...overrides })

const v1 = (secret = SECRET, overrides: { id?: string; timestamp?: number } = {}) =>
  signStandardWebhooks({ payload: PAYLOAD, secret, id: 'msg_ed1', timestamp: NOW, ...overrides })

describe('Standard Webhooks v1a (Ed25519)', () => {
  it('accepts a v1a signature from signStandardWebhooks({ privateKey }) with the whpk_ public key', async () => {
    const keys = generateStandardWebhooksKeyPair()
    expect(keys.publicKey).toMatch(/^whpk_[A-Za-z0-9+/]{43}=$/)
    const { post, seen } = setup({ publicKey: keys.publicKey })
    const response = await post(v1a(keys.privateKey))
    expect(response.status).toBe(200)
    expect(seen.map((event) => [event.type, event.id, event.timestamp])).toEqual([
      ['user.created', 'msg_ed1', NOW],
    ])
  })

  it('writes a v1a signature that node:crypto verifies over "<id>.<timestamp>.<body>"', () => {
    const keys = generateStandardWebhooksKeyPair()
    const delivery = v1a(keys.privateKey)
    const signature = delivery.headers['webhook-signature']!
    expect(signature).toMatch(/^v1a,/)
    const raw = Buffer.from(keys.publicKey.slice('whpk_'.length), 'base64')
    const key = createPublicKey({
      key: Buffer.concat([ED25519_SPKI_PREFIX, raw]),
      format: 'der',
      type: 'spki',
    })
    const content = Buffer.from(`msg_ed1.${NOW}.${delivery.body}`)
    expect(verify(null, content, key, Buffer.from(signature.slice(4), 'base64'))).toBe(true)
    expect(
      verify(
        null,
        Buffer.from(`msg_ed2.${NOW}.${delivery.body}`),
        key,
        Buffer.from(signature.slice(4), 'base64'),
      ),
    ).toBe(false)
  })

  it('accepts a v1a signature made directly with node:crypto (independent of our signer)', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519')
    const whpk = `whpk_${publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('base64')}`
    const body = JSON.stringify(PAYLOAD)
    const signature = sign(null, Buffer.from(`msg_node.${NOW}.${body}`), privateKey).toString('base64')
    const { post, seen } = setup({ publicKey: whpk })
    const response = await post({
      headers: {
        'webhook-id': 'msg_node',
        'webhook-timestamp': String(NOW),
        'webhook-signature': `v1a,${signature}`,
      },
      body,
    })
    expect(response.status).toBe(200)
    expect(seen).toHaveLength(1)
  })

  it('accepts the public key without its whpk_ prefix', async () => {
    const keys = generateStandardWebhooksKeyPair()
    const { post } = setup({ publicKey: keys.publicKey.slice('whpk_'.length) })
    expect((await post(v1a(keys.privateKey))).status).toBe(200)
  })

  it('accepts v1a under the svix-* header aliases', async () => {
    const keys = generateStandardWebhooksKeyPair()
    const delivery = v1a(keys.privateKey)
    const headers = {
      'svix-id': delivery.headers['webhook-id']!,
      'svix-timestamp': delivery.headers['webhook-timestamp']!,
      'svix-signature': delivery.headers['webhook-signature']!,
    }
    expect((await setup({ publicKey: keys.publicKey }).post({ headers, body: delivery.body })).status).toBe(
      200,
    )
  })

  it('refuses a v1a signature from another key pair with signature_invalid, running nothing', async () => {
    const ours = generateStandardWebhooksKeyPair()
    const theirs = generateStandardWebhooksKeyPair()
    const { post, seen } = setup({ publicKey: ours.publicKey })
    const response = await post(v1a(theirs.privateKey))
    expect(problem(response)).toMatchObject({ status: 401, code: 'signature_invalid' })
    expect(seen).toHaveLength(0)
  })

  it('refuses a v1a entry that is not base64 with signature_invalid', async () => {
    const keys = generateStandardWebhooksKeyPair()
    const delivery = v1a(keys.privateKey)
    const { post } = setup({ publicKey: keys.publicKey })
    const response = await post({
      ...delivery,
      headers: { ...delivery.headers, 'webhook-signature': 'v1a,@@not base64@@' },
    })
    expect(problem(response)).toMatchObject({ status: 401, code: 'signature_invalid' })
  })

  it('rejects a whpk_ key that is not 32 bytes of base64 at construction', () => {
    expect(() => standardWebhooks({ publicKey: 'whpk_abc' })).toThrow(TypeError)
    expect(() => standardWebhooks({ publicKey: `whpk_${Buffer.alloc(16).toString('base64')}` })).toThrow(
      TypeError,
    )
  })
})

describe('Standard Webhooks: v1 and v1a together', () => {
  it('accepts a header carrying both v1 and v1a when both a secret and a public key are configured', async () => {
    const keys = generateStandardWebhooksKeyPair()
    const header = `${v1().headers['webhook-signature']} ${v1a(keys.privateKey).headers['webhook-signature']}`
    const { post } = setup({ secret: SECRET, publicKey: keys.publicKey })
    expect((await post({ ...v1(), headers: { ...v1().headers, 'webhook-signature': header } })).status).toBe(
      200,
    )
  })

  it('accepts the v1a entry of a v1+v1a header when only the public key is configured', async () => {
    const keys = generateStandardWebhooksKeyPair()
    const header = `${v1('whsec_b3RoZXIgc2VjcmV0').headers['webhook-signature']} ${v1a(keys.privateKey).headers['webhook-signature']}`
    const { post } = setup({ publicKey: keys.publicKey })
    expect((await post({ ...v1(), headers: { ...v1().headers, 'webhook-signature': header } })).status).toBe(
      200,
    )
  })

  it('accepts the v1 entry of a v1+v1a header when only the secret is configured', async () => {
    const stranger = generateStandardWebhooksKeyPair()
    const header = `${v1a(stranger.privateKey).headers['webhook-signature']} ${v1().headers['webhook-signature']}`
    const { post } = setup({ secret: SECRET })
    expect((await post({ ...v1(), headers: { ...v1().headers, 'webhook-signature': header } })).status).toBe(
      200,
    )
  })

  it('refuses a valid v1 HMAC signature when only a public key is configured', async () => {
    const keys = generateStandardWebhooksKeyPair()
    const { post, seen } = setup({ publicKey: keys.publicKey })
    const response = await post(v1(SECRET))
    expect(problem(response)).toMatchObject({ status: 401, code: 'signature_invalid' })
    expect(seen).toHaveLength(0)
  })

  it('refuses a valid v1a signature when only a secret is configured', async () => {
    const keys = generateStandardWebhooksKeyPair()
    const { post, seen } = setup({ secret: SECRET })
    const response = await post(v1a(keys.privateKey))
    expect(problem(response)).toMatchObject({ status: 401, code: 'signature_invalid' })
    expect(seen).toHaveLength(0)
  })

  it('does not take a v1a signature written as v1 (the version tag decides the check)', async () => {
    const keys = generateStandardWebhooksKeyPair()
    const delivery = v1a(keys.privateKey)
    const relabelled = delivery.headers['webhook-signature']!.replace(/^v1a,/, 'v1,')
    const { post } = setup({ secret: SECRET, publicKey: keys.publicKey })
    expect(
      (await post({ ...delivery, headers: { ...delivery.headers, 'webhook-signature': relabelled } })).status,
    ).toBe(401)
  })

  it('the v1 signer agrees with an independent HMAC over the base64-decoded secret', () => {
    const delivery = v1()
    const expected = createHmac('sha256', Buffer.from(SECRET.slice('whsec_'.length), 'base64'))
      .update(`msg_ed1.${NOW}.${delivery.body}`)
      .digest('base64')
    expect(delivery.headers['webhook-signature']).toBe(`v1,${expected}`)
  })
})
