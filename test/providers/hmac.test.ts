/**
 * The generic `hmac()` provider, with the two worked examples of docs/providers.md as tests: Paddle Billing's
 * structured `Paddle-Signature: ts=…;h1=…` and a plain `X-Signature: sha256=<hex>` body HMAC.
 */
import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createReceiver, type Provider, type WebhookEvent, type WebhookResponse } from '../../src/index.js'
import { hmac } from '../../src/providers/hmac.js'
import { silentLogger } from '../support/helpers.js'
import { paddle as paddleProvider, paddleSignature } from '../support/provider-cases.js'

const NOW = 1_700_000_000

function setup(provider: Provider, nowSeconds = NOW) {
  const receiver = createReceiver({ provider, now: () => nowSeconds * 1000, logger: silentLogger() })
  const seen: WebhookEvent[] = []
  receiver.onAny((event) => {
    seen.push(event)
  })
  const post = (headers: Record<string, string>, body: string): Promise<WebhookResponse> =>
    receiver.handle({ method: 'POST', url: '/hook', headers, body })
  return { receiver, seen, post }
}

const problem = (response: WebhookResponse) => JSON.parse(response.body) as { code: string; status: number }

// ---- Worked example 1: Paddle Billing ----------------------------------------------------------------------------
// Paddle signs `<ts>:<raw body>` with HMAC-SHA256 (hex) and sends `Paddle-Signature: ts=<ts>;h1=<hex>`
// (developer.paddle.com, "Verify webhook signatures"). The options are the docs', kept with the case table's
// Paddle-style row in test/support/provider-cases.ts.

const PADDLE_SECRET = 'pdl_ntfset_01example_secret'
const paddle = (secret: string | string[] = PADDLE_SECRET) => paddleProvider(secret)

const paddleBody = JSON.stringify({
  event_id: 'evt_01h8bzakzx3hm2fmen703n5q45',
  event_type: 'transaction.completed',
  occurred_at: '2023-08-21T11:57:47.390028Z',
  data: { id: 'txn_01h8bz2a0ve8krpp4k0c8kzwqz' },
})

function signPaddle(body: string, ts: number, secret = PADDLE_SECRET) {
  return { 'content-type': 'application/json', 'paddle-signature': paddleSignature(secret, ts, body) }
}

describe('hmac(): Paddle Billing worked example', () => {
  it('accepts a Paddle-Signature over "<ts>:<body>", dispatching on event_type with id event_id', async () => {
    const { post, seen } = setup(paddle())
    const response = await post(signPaddle(paddleBody, NOW), paddleBody)
    expect(response.status).toBe(200)
    expect(seen.map((event) => [event.type, event.id, event.timestamp, event.provider])).toEqual([
      ['transaction.completed', 'evt_01h8bzakzx3hm2fmen703n5q45', NOW, 'paddle'],
    ])
  })

  it('refuses a ts changed after signing with signature_invalid', async () => {
    const { post, seen } = setup(paddle())
    const headers = signPaddle(paddleBody, NOW)
    headers['paddle-signature'] = headers['paddle-signature'].replace(`ts=${NOW}`, `ts=${NOW + 1}`)
    const response = await post(headers, paddleBody)
    expect(problem(response)).toMatchObject({ status: 401, code: 'signature_invalid' })
    expect(seen).toHaveLength(0)
  })

  it('refuses a correctly signed ts 301 s old with timestamp_out_of_tolerance', async () => {
    const { post, seen } = setup(paddle())
    const response = await post(signPaddle(paddleBody, NOW - 301), paddleBody)
    expect(problem(response)).toMatchObject({ status: 401, code: 'timestamp_out_of_tolerance' })
    expect(seen).toHaveLength(0)
  })

  it('refuses a correctly signed ts 301 s ahead with timestamp_out_of_tolerance', async () => {
    const { post } = setup(paddle())
    const response = await post(signPaddle(paddleBody, NOW + 301), paddleBody)
    expect(problem(response).code).toBe('timestamp_out_of_tolerance')
  })

  it('applies the receiver tolerance option', async () => {
    const receiver = createReceiver({
      provider: paddle(),
      now: () => NOW * 1000,
      tolerance: 5,
      logger: silentLogger(),
    })
    const at = (ts: number) =>
      receiver.handle({ method: 'POST', url: '/', headers: signPaddle(paddleBody, ts), body: paddleBody })
    expect((await at(NOW - 5)).status).toBe(200)
    expect(problem(await at(NOW - 6)).code).toBe('timestamp_out_of_tolerance')
  })

  it('refuses a Paddle-Signature without ts= as unreadable: 401 signature_invalid', async () => {
    const { post, seen } = setup(paddle())
    const h1 = signPaddle(paddleBody, NOW)['paddle-signature'].split(';')[1]!
    const response = await post({ 'paddle-signature': h1 }, paddleBody)
    expect(problem(response)).toMatchObject({ status: 401, code: 'signature_invalid' })
    expect(seen).toHaveLength(0)
  })

  it('accepts a header listing a stale h1 beside the valid one (secret rotation on the sender side)', async () => {
    const { post } = setup(paddle())
    const valid = signPaddle(paddleBody, NOW)['paddle-signature']
    const response = await post({ 'paddle-signature': `${valid};h1=${'0'.repeat(64)}` }, paddleBody)
    expect(response.status).toBe(200)
  })
})

// ---- Worked example 2: a plain body HMAC ---------------------------------------------------------------------------
// `X-Signature: sha256=<hex HMAC-SHA256 of the raw body>`, type and id in headers. The options are the docs'.

const ACME_SECRET = 'acme-webhook-secret'
const acme = (overrides: Partial<Parameters<typeof hmac>[0]> = {}) =>
  hmac({
    name: 'acme',
    secret: ACME_SECRET,
    header: 'x-signature',
    prefix: 'sha256=',
    idFrom: 'x-delivery-id',
    typeFrom: 'x-event',
    ...overrides,
  })

const acmeBody = JSON.stringify({ order: { id: 42, total: 1999 } })
const acmeHeaders = (body = acmeBody, secret = ACME_SECRET) => ({
  'x-signature': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
  'x-delivery-id': 'dlv_1',
  'x-event': 'order.paid',
})

describe('hmac(): plain body HMAC worked example', () => {
  it('accepts X-Signature: sha256=<hex> over the raw body, type and id from headers', async () => {
    const { post, seen } = setup(acme())
    expect((await post(acmeHeaders(), acmeBody)).status).toBe(200)
    expect(seen.map((event) => [event.type, event.id, event.provider])).toEqual([
      ['order.paid', 'dlv_1', 'acme'],
    ])
    expect(seen[0]?.timestamp).toBeUndefined()
  })

  it('refuses the digest without its sha256= prefix with signature_invalid', async () => {
    const { post, seen } = setup(acme())
    const headers = acmeHeaders()
    const response = await post(
      { ...headers, 'x-signature': headers['x-signature'].slice('sha256='.length) },
      acmeBody,
    )
    expect(problem(response)).toMatchObject({ status: 401, code: 'signature_invalid' })
    expect(seen).toHaveLength(0)
  })

  it('looks header names up case-insensitively (option and request)', async () => {
    const { receiver, seen } = setup(
      acme({ header: 'X-Signature', idFrom: 'X-Delivery-Id', typeFrom: 'X-Event' }),
    )
    const headers = acmeHeaders()
    const response = await receiver.handle({
      method: 'POST',
      url: '/',
      headers: { 'X-Signature': headers['x-signature'], 'X-Delivery-Id': 'dlv_9', 'X-Event': 'order.paid' },
      body: acmeBody,
    })
    expect(response.status).toBe(200)
    expect(seen.map((event) => event.id)).toEqual(['dlv_9'])
  })

  it('runs a repeated delivery id once', async () => {
    const { post, seen } = setup(acme())
    await post(acmeHeaders(), acmeBody)
    const again = await post(acmeHeaders(), acmeBody)
    expect(JSON.parse(again.body)).toEqual({ received: true, duplicate: true })
    expect(seen).toHaveLength(1)
  })
})

describe('hmac() options', () => {
  it('verifies a base64 digest with encoding: "base64"', async () => {
    const body = JSON.stringify({ type: 'thing.happened' })
    const signature = createHmac('sha256', 'b64-secret').update(body).digest('base64')
    const { post, seen } = setup(hmac({ secret: 'b64-secret', header: 'x-sig', encoding: 'base64' }))
    expect((await post({ 'x-sig': signature }, body)).status).toBe(200)
    expect(seen.map((event) => event.type)).toEqual(['thing.happened'])
  })

  it('refuses a hex digest when base64 is configured', async () => {
    const body = JSON.stringify({ type: 'thing.happened' })
    const hex = createHmac('sha256', 'b64-secret').update(body).digest('hex')
    const { post } = setup(hmac({ secret: 'b64-secret', header: 'x-sig', encoding: 'base64' }))
    expect((await post({ 'x-sig': hex }, body)).status).toBe(401)
  })

  it('verifies other algorithms (sha1, sha512)', async () => {
    const body = JSON.stringify({ type: 't' })
    for (const algorithm of ['sha1', 'sha512'] as const) {
      const { post } = setup(hmac({ secret: 's3', header: 'x-sig', algorithm }))
      const signature = createHmac(algorithm, 's3').update(body).digest('hex')
      expect((await post({ 'x-sig': signature }, body)).status).toBe(200)
      const sha256 = createHmac('sha256', 's3').update(body).digest('hex')
      expect((await post({ 'x-sig': sha256 }, body)).status).toBe(401)
    }
  })

  it('reads idFrom and typeFrom as header names', async () => {
    const body = JSON.stringify({ anything: true })
    const { post, seen } = setup(hmac({ secret: 's', header: 'x-sig', idFrom: 'x-id', typeFrom: 'x-type' }))
    const signature = createHmac('sha256', 's').update(body).digest('hex')
    await post({ 'x-sig': signature, 'x-id': 'id-from-header', 'x-type': 'type.from.header' }, body)
    expect(seen.map((event) => [event.id, event.type])).toEqual([['id-from-header', 'type.from.header']])
  })

  it('reads idFrom and typeFrom as functions of the payload and headers', async () => {
    const body = JSON.stringify({ meta: { uid: 'u-7' }, kind: 'k' })
    const provider = hmac({
      secret: 's',
      header: 'x-sig',
      idFrom: (payload, headers) =>
        `${(payload as { meta: { uid: string } }).meta.uid}@${headers['x-tenant']}`,
      typeFrom: (payload) => `kind.${(payload as { kind: string }).kind}`,
    })
    const { post, seen } = setup(provider)
    const signature = createHmac('sha256', 's').update(body).digest('hex')
    await post({ 'x-sig': signature, 'x-tenant': 't1' }, body)
    expect(seen.map((event) => [event.id, event.type])).toEqual([['u-7@t1', 'kind.k']])
  })

  it("defaults the type to the payload's type field and the id to a body hash", async () => {
    const body = JSON.stringify({ type: 'default.type' })
    const { post, seen } = setup(hmac({ secret: 's', header: 'x-sig' }))
    await post({ 'x-sig': createHmac('sha256', 's').update(body).digest('hex') }, body)
    expect(seen.map((event) => event.type)).toEqual(['default.type'])
    expect(seen[0]?.id).toMatch(/^sha256:[0-9a-f]{64}$/)
  })

  it('answers 400 payload_invalid when no event type is found, running nothing', async () => {
    const body = JSON.stringify({ no: 'type here' })
    const { post, seen } = setup(hmac({ secret: 's', header: 'x-sig' }))
    const response = await post({ 'x-sig': createHmac('sha256', 's').update(body).digest('hex') }, body)
    expect(problem(response)).toMatchObject({ status: 400, code: 'payload_invalid' })
    expect(seen).toHaveLength(0)
  })

  it('answers 400 payload_invalid when idFrom finds nothing, running nothing', async () => {
    const body = JSON.stringify({ type: 't' })
    const { post, seen } = setup(hmac({ secret: 's', header: 'x-sig', idFrom: 'x-missing-id' }))
    const response = await post({ 'x-sig': createHmac('sha256', 's').update(body).digest('hex') }, body)
    expect(problem(response)).toMatchObject({ status: 400, code: 'payload_invalid' })
    expect(seen).toHaveLength(0)
  })

  it('reads timestampFrom as a header name, and answers 400 header_missing when that header is absent', async () => {
    const body = JSON.stringify({ type: 't' })
    const provider = hmac({
      secret: 's',
      header: 'x-sig',
      timestampFrom: 'X-Timestamp',
      signedPayload: ({ timestamp, body: raw }) => [`${timestamp}.`, raw],
    })
    const { post, seen } = setup(provider)
    const signature = createHmac('sha256', 's').update(`${NOW}.${body}`).digest('hex')
    expect((await post({ 'x-sig': signature, 'x-timestamp': String(NOW) }, body)).status).toBe(200)
    expect(seen[0]?.timestamp).toBe(NOW)
    const missing = await post({ 'x-sig': signature }, body)
    expect(problem(missing)).toMatchObject({ status: 400, code: 'header_missing' })
  })

  it('answers 401 timestamp_invalid for a signed timestamp that is not whole seconds', async () => {
    const body = JSON.stringify({ type: 't' })
    const provider = hmac({
      secret: 's',
      header: 'x-sig',
      timestampFrom: 'x-timestamp',
      signedPayload: ({ timestamp, body: raw }) => [`${timestamp}.`, raw],
    })
    const { post, seen } = setup(provider)
    const ts = `${NOW}.5`
    const signature = createHmac('sha256', 's').update(`${ts}.${body}`).digest('hex')
    const response = await post({ 'x-sig': signature, 'x-timestamp': ts }, body)
    expect(problem(response)).toMatchObject({ status: 401, code: 'timestamp_invalid' })
    expect(seen).toHaveLength(0)
  })

  it('rejects construction without a header name', () => {
    expect(() => hmac({ secret: 's', header: '' })).toThrow(TypeError)
  })
})

describe('hmac({ timestampFrom }): the timestamp must be signed', () => {
  const DAY = 24 * 60 * 60
  const body = JSON.stringify({ type: 'order.paid', id: 'o-1' })
  const bodySignature = createHmac('sha256', 's').update(body).digest('hex')

  it('refuses at construction a timestamp with the default signedPayload (the body alone), saying how to fix it', () => {
    const create = () => hmac({ secret: 's', header: 'x-sig', timestampFrom: 'x-timestamp' })
    expect(create).toThrow(TypeError)
    expect(create).toThrow(/hmac\(\{ timestampFrom \}\): the timestamp is not signed/)
    expect(create).toThrow(/signedPayload: \(\{ timestamp, body \}\) =>/)
    expect(create).toThrow(/timestampSigned: false/)
  })

  it('refuses a signedPayload that leaves the timestamp out, also with a timestampFrom function', () => {
    expect(() =>
      hmac({
        secret: 's',
        header: 'x-sig',
        timestampFrom: (headers) => headers['x-timestamp'],
        signedPayload: ({ body: raw }) => ['v1:', raw],
      }),
    ).toThrow(/the timestamp is not signed/)
  })

  it('refuses a signedPayload that cannot be checked, unless timestampSigned: true says it signs the timestamp', () => {
    const signedPayload = ({
      headers,
      body: raw,
    }: {
      headers: Readonly<Record<string, string>>
      body: Uint8Array
    }) => [`${headers['x-id']!.trim()}.${headers['x-timestamp']}.`, raw]
    expect(() => hmac({ secret: 's', header: 'x-sig', timestampFrom: 'x-timestamp', signedPayload })).toThrow(
      /timestampSigned: true/,
    )
    expect(() =>
      hmac({
        secret: 's',
        header: 'x-sig',
        timestampFrom: 'x-timestamp',
        signedPayload,
        timestampSigned: true,
      }),
    ).not.toThrow()
  })

  it('accepts a signedPayload that reads the timestamp from its header', () => {
    expect(() =>
      hmac({
        secret: 's',
        header: 'x-sig',
        timestampFrom: 'X-Timestamp',
        signedPayload: ({ headers, body: raw }) => [`${headers['x-timestamp']}.`, raw],
      }),
    ).not.toThrow()
  })

  it('refuses a 4-day-old delivery whose timestamp header was set to now, once the timestamp is signed', async () => {
    const provider = hmac({
      secret: 's',
      header: 'x-sig',
      timestampFrom: 'x-timestamp',
      signedPayload: ({ timestamp, body: raw }) => [`${timestamp}.`, raw],
    })
    const { post, seen } = setup(provider)
    const old = NOW - 4 * DAY
    const signature = createHmac('sha256', 's').update(`${old}.${body}`).digest('hex')
    expect(problem(await post({ 'x-sig': signature, 'x-timestamp': String(old) }, body)).code).toBe(
      'timestamp_out_of_tolerance',
    )
    expect(problem(await post({ 'x-sig': signature, 'x-timestamp': String(NOW) }, body)).code).toBe(
      'signature_invalid',
    )
    expect(seen).toHaveLength(0)
  })

  it('with timestampSigned: false, accepts the unsigned timestamp knowingly and still holds it to the tolerance', async () => {
    const provider = hmac({
      secret: 's',
      header: 'x-sig',
      timestampFrom: 'x-timestamp',
      timestampSigned: false,
    })
    const { post, seen } = setup(provider)
    expect((await post({ 'x-sig': bodySignature, 'x-timestamp': String(NOW) }, body)).status).toBe(200)
    expect(seen[0]?.timestamp).toBe(NOW)
    const late = await post({ 'x-sig': bodySignature, 'x-timestamp': String(NOW - DAY) }, body)
    expect(problem(late).code).toBe('timestamp_out_of_tolerance')
  })
})
