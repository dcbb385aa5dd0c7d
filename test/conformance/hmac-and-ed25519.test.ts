import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createReceiver } from '../../src/index.js'
import { hmac } from '../../src/providers/hmac.js'
import { standardWebhooks } from '../../src/providers/standard-webhooks.js'
import { generateStandardWebhooksKeyPair, signStandardWebhooks } from '../../src/testing/index.js'
import { silentLogger } from '../support/helpers.js'

const NOW = 1_700_000_000
const field = (header: string, name: string) =>
  header
    .split(';')
    .filter((part) => part.startsWith(`${name}=`))
    .map((part) => part.slice(name.length + 1))

describe('generic hmac(): the README worked examples', () => {
  const paddle = () =>
    hmac({
      name: 'paddle',
      secret: 'pdl_ntfset_secret',
      header: 'Paddle-Signature',
      signaturesFrom: (value) => field(value, 'h1'),
      timestampFrom: (headers) => field(headers['paddle-signature'] ?? '', 'ts')[0],
      signedPayload: ({ timestamp, body }) => [`${timestamp}:`, body],
      idFrom: (payload) => (payload as { event_id: string }).event_id,
      typeFrom: (payload) => (payload as { event_type: string }).event_type,
    })
  const paddleDelivery = (body: string, ts = NOW) => ({
    method: 'POST',
    url: '/',
    headers: {
      'paddle-signature': `ts=${ts};h1=${createHmac('sha256', 'pdl_ntfset_secret').update(`${ts}:${body}`).digest('hex')}`,
    },
    body,
  })

  it('verifies a Paddle-style ts=…;h1=… signature, with its id and type from the payload', async () => {
    const receiver = createReceiver({ provider: paddle(), now: () => NOW * 1000, logger: silentLogger() })
    const seen: string[] = []
    receiver.onAny((event) => {
      seen.push(`${event.provider}:${event.type}:${event.id}:${event.timestamp}`)
    })
    const body = JSON.stringify({ event_id: 'evt_01', event_type: 'transaction.completed', data: {} })
    expect((await receiver.handle(paddleDelivery(body))).status).toBe(200)
    expect(seen).toEqual([`paddle:transaction.completed:evt_01:${NOW}`])
    const tampered = { ...paddleDelivery(body), body: body.replace('evt_01', 'evt_02') }
    expect((await receiver.handle(tampered)).status).toBe(401)
  })

  it('applies the tolerance to the signed timestamp it was told where to find', async () => {
    const receiver = createReceiver({ provider: paddle(), now: () => NOW * 1000, logger: silentLogger() })
    const body = JSON.stringify({ event_id: 'evt_02', event_type: 'x', data: {} })
    const response = await receiver.handle(paddleDelivery(body, NOW - 301))
    expect(JSON.parse(response.body).code).toBe('timestamp_out_of_tolerance')
  })

  it('verifies a plain body HMAC with a prefix, in hex or base64, with id and type from headers', async () => {
    for (const encoding of ['hex', 'base64'] as const) {
      const provider = hmac({
        name: 'acme',
        secret: 's3cret',
        header: 'x-signature',
        prefix: 'sha256=',
        encoding,
        idFrom: 'x-delivery-id',
        typeFrom: 'X-Event',
      })
      const receiver = createReceiver({ provider, logger: silentLogger() })
      const seen: string[] = []
      receiver.onAny((event) => {
        seen.push(`${event.type}:${event.id}`)
      })
      const body = '{"ok":true}'
      const signature = `sha256=${createHmac('sha256', 's3cret').update(body).digest(encoding)}`
      const headers = { 'x-signature': signature, 'x-delivery-id': 'd-1', 'x-event': 'thing.happened' }
      expect((await receiver.handle({ method: 'POST', url: '/', headers, body })).status).toBe(200)
      expect(seen).toEqual(['thing.happened:d-1'])
      const unprefixed = { ...headers, 'x-signature': signature.slice(7) }
      expect((await receiver.handle({ method: 'POST', url: '/', headers: unprefixed, body })).status).toBe(
        401,
      )
    }
  })

  it('answers 400 payload_invalid when no event type can be found', async () => {
    const provider = hmac({ secret: 's', header: 'x-sig' })
    const body = '{"no":"type"}'
    const headers = { 'x-sig': createHmac('sha256', 's').update(body).digest('hex') }
    const response = await createReceiver({ provider, logger: silentLogger() }).handle({
      method: 'POST',
      url: '/',
      headers,
      body,
    })
    expect(response.status).toBe(400)
    expect(JSON.parse(response.body).code).toBe('payload_invalid')
  })

  it('requires a header name at construction', () => {
    expect(() => hmac({ secret: 's', header: '' })).toThrow(/name the header/)
  })
})

describe('Standard Webhooks v1a (Ed25519)', () => {
  it('verifies an Ed25519 signature with the whpk_ public key', async () => {
    const keys = generateStandardWebhooksKeyPair()
    expect(keys.publicKey).toMatch(/^whpk_/)
    const receiver = createReceiver({
      provider: standardWebhooks({ publicKey: keys.publicKey }),
      now: () => NOW * 1000,
      logger: silentLogger(),
    })
    const delivery = signStandardWebhooks({
      payload: { type: 'a.b' },
      privateKey: keys.privateKey,
      timestamp: NOW,
    })
    expect(delivery.headers['webhook-signature']).toMatch(/^v1a,/)
    expect((await receiver.handle({ url: '/', ...delivery })).status).toBe(200)
    expect(
      (
        await receiver.handle({
          url: '/',
          ...delivery,
          body: delivery.body.replace('a.b', 'a.c'),
        })
      ).status,
    ).toBe(401)
  })

  it('accepts a header carrying both a v1 and a v1a signature with either key configured', async () => {
    const keys = generateStandardWebhooksKeyPair()
    const secret = `whsec_${Buffer.from('0123456789abcdef').toString('base64')}`
    const symmetric = signStandardWebhooks({ payload: { type: 'x' }, secret, id: 'msg_1', timestamp: NOW })
    const asymmetric = signStandardWebhooks({
      payload: { type: 'x' },
      privateKey: keys.privateKey,
      id: 'msg_1',
      timestamp: NOW,
    })
    const headers = {
      ...symmetric.headers,
      'webhook-signature': `${symmetric.headers['webhook-signature']} ${asymmetric.headers['webhook-signature']}`,
    }
    for (const options of [{ secret }, { publicKey: keys.publicKey }]) {
      const receiver = createReceiver({
        provider: standardWebhooks(options),
        now: () => NOW * 1000,
        logger: silentLogger(),
      })
      expect(
        (await receiver.handle({ method: 'POST', url: '/', headers, body: symmetric.body })).status,
      ).toBe(200)
    }
  })

  it('refuses a v1 HMAC signature when only a public key is configured', async () => {
    const keys = generateStandardWebhooksKeyPair()
    const receiver = createReceiver({
      provider: standardWebhooks({ publicKey: keys.publicKey }),
      now: () => NOW * 1000,
      logger: silentLogger(),
    })
    const delivery = signStandardWebhooks({
      payload: { type: 'x' },
      secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      timestamp: NOW,
    })
    expect((await receiver.handle({ url: '/', ...delivery })).status).toBe(401)
  })

  it('requires a secret or a public key, and refuses keys that are not base64', () => {
    expect(() => standardWebhooks({})).toThrow(/whsec_/)
    expect(() => standardWebhooks({ publicKey: 'whpk_!!!' })).toThrow(/whpk_/)
    expect(() => standardWebhooks({ secret: 'whsec_@@' })).toThrow(/whsec_/)
  })
})
