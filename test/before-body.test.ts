/**
 * What is refused whatever the body (a URL without the path token, a method the provider does not use, a POST
 * without the provider's signature header) is decided from the request line and headers alone, through the one
 * function every adapter asks before reading a byte (`refuseBeforeBody`), and answered exactly as `handle` answers
 * the same request. Over real HTTP, per adapter, the adapter contract proves the body is then not read.
 */
import { describe, expect, it } from 'vitest'
import { receiverAccess } from '../src/adapter-kit/receiver-access.js'
import { createReceiver, generatePathToken, type Provider, type WebhookResponse } from '../src/index.js'
import { standardWebhooks } from '../src/providers/standard-webhooks.js'
import { stripe } from '../src/providers/stripe.js'
import { signStandardWebhooks, signStripe } from '../src/testing/index.js'
import { silentLogger } from './support/helpers.js'
import { NOW, providerCases, withSignature } from './support/provider-cases.js'

const withoutHeader = (headers: Record<string, string>, name: string) =>
  Object.fromEntries(Object.entries(headers).filter(([key]) => key.toLowerCase() !== name))

const problem = (response: WebhookResponse | undefined) =>
  response === undefined ? undefined : { status: response.status, body: JSON.parse(response.body) }

describe.each(providerCases)('$name: refusals before the body', (c) => {
  const receiver = createReceiver({ provider: c.provider([c.secrets[0]]), logger: silentLogger() })
  const { refuseBeforeBody } = receiverAccess(receiver, 'test')
  const delivery = c.sign(c.secrets[0], { timestamp: NOW, id: 'evt_before_body' })

  it('lets a signed delivery through to the body, with headers as a record or as Web Headers', () => {
    expect(refuseBeforeBody('POST', delivery.url, delivery.headers)).toBeUndefined()
    expect(refuseBeforeBody('POST', delivery.url, new Headers(delivery.headers))).toBeUndefined()
  })

  const header = c.signatureHeader
  if (header === undefined) {
    // Mailgun, Adyen: the signature is in the body, so there is no header to refuse a POST by before reading it.
    it('declares no signature header, as its signature is inside the body', () => {
      expect(receiver.provider.signatureHeaders).toBeUndefined()
    })

    it('lets a POST without its signature through to the body, where handle() refuses it 401 signature_missing', async () => {
      const unsigned = withSignature(c, delivery, undefined)
      expect(refuseBeforeBody('POST', unsigned.url, unsigned.headers)).toBeUndefined()
      const late = await receiver.handle({ ...unsigned, method: 'POST' })
      expect(problem(late)).toMatchObject({ status: 401, body: { code: 'signature_missing' } })
    })
  } else {
    it('declares the signature header its verify reads', () => {
      const declared = (receiver.provider.signatureHeaders ?? []).map((name) => name.toLowerCase())
      expect(declared).toContain(header)
    })

    it('refuses a POST without the signature header as handle() does: 401 signature_missing, same answer', async () => {
      const unsigned = withoutHeader(delivery.headers, header)
      const early = refuseBeforeBody('POST', delivery.url, unsigned)
      expect(early?.status).toBe(401)
      const late = await receiver.handle({
        method: 'POST',
        url: delivery.url,
        headers: unsigned,
        body: delivery.body,
      })
      expect(problem(early)).toEqual(problem(late))
      expect(problem(refuseBeforeBody('POST', delivery.url, { ...unsigned, [header]: '' }))).toEqual(
        problem(late),
      )
    })
  }

  it('refuses another method with 405 and Allow listing the methods the sender uses, as handle() does', async () => {
    const early = refuseBeforeBody('PUT', delivery.url, delivery.headers)
    const late = await receiver.handle({
      method: 'PUT',
      url: delivery.url,
      headers: delivery.headers,
      body: '',
    })
    expect(early?.headers.allow).toBe((receiver.provider.methods ?? ['POST']).join(', '))
    expect(problem(early)).toEqual(problem(late))
  })
})

describe('refusals before the body', () => {
  it('answers 404 to a URL without the path token before looking at the method or the headers', () => {
    const pathToken = generatePathToken()
    const receiver = createReceiver({
      provider: stripe({ secret: 'whsec_before' }),
      pathToken,
      logger: silentLogger(),
    })
    const { refuseBeforeBody } = receiverAccess(receiver, 'test')
    expect(refuseBeforeBody('GET', '/webhooks/stripe', {})?.status).toBe(404)
    expect(refuseBeforeBody('POST', `/webhooks/stripe/${pathToken}x`, {})?.status).toBe(404)
    expect(refuseBeforeBody('POST', `/webhooks/stripe/${pathToken}`, {})?.status).toBe(401)
    const signed = signStripe({ payload: { id: 'evt_t', type: 't', data: {} }, secret: 'whsec_before' })
    expect(refuseBeforeBody('post', `/webhooks/stripe/${pathToken}?a=1`, signed.headers)).toBeUndefined()
  })

  it('takes any of several signature header names (Svix sends svix-signature)', () => {
    const secret = 'whsec_YWFhYWFhYWE='
    const receiver = createReceiver({ provider: standardWebhooks({ secret }), logger: silentLogger() })
    const { refuseBeforeBody } = receiverAccess(receiver, 'test')
    const signed = signStandardWebhooks({ payload: { type: 'user.created' }, secret })
    const svix = Object.fromEntries(
      Object.entries(signed.headers).map(([name, value]) => [name.replace(/^webhook-/, 'svix-'), value]),
    )
    expect(svix['svix-signature']).toBeDefined()
    expect(refuseBeforeBody('POST', '/hook', svix)).toBeUndefined()
  })

  it('leaves a provider that declares no signature header to its verify', () => {
    const custom: Provider = {
      name: 'custom',
      deadlineMs: 1000,
      bodyLimit: 1000,
      retryWindowMs: 1000,
      verify: () => undefined,
      parse: () => [],
    }
    const { refuseBeforeBody } = receiverAccess(createReceiver({ provider: custom }), 'test')
    expect(refuseBeforeBody('POST', '/hook', {})).toBeUndefined()
  })

  it('lets a provider accept a handshake method, and lists its methods in Allow', async () => {
    const seen: string[] = []
    const handshake: Provider = {
      name: 'handshake',
      deadlineMs: 1000,
      bodyLimit: 1000,
      retryWindowMs: 1000,
      signatureHeaders: ['X-Signature'],
      methods: ['GET', 'POST'],
      verify: (request) => void seen.push(request.method),
      parse: () => [
        { id: 'challenge', type: 'challenge', payload: {}, reply: { status: 200, headers: {}, body: 'ok' } },
      ],
    }
    const receiver = createReceiver({ provider: handshake, logger: silentLogger() })
    const { refuseBeforeBody } = receiverAccess(receiver, 'test')
    // A GET challenge carries no signature: the provider answers it itself.
    expect(refuseBeforeBody('GET', '/hook?challenge=1', {})).toBeUndefined()
    expect(refuseBeforeBody('POST', '/hook', {})?.status).toBe(401)
    expect(refuseBeforeBody('DELETE', '/hook', {})?.headers.allow).toBe('GET, POST')
    const answer = await receiver.handle({ method: 'GET', url: '/hook?challenge=1', headers: {}, body: '' })
    expect(answer).toEqual({ status: 200, headers: {}, body: 'ok' })
    expect(seen).toEqual(['GET'])
    const refused = await receiver.handle({ method: 'PUT', url: '/hook', headers: {}, body: '' })
    expect(refused.status).toBe(405)
    expect(refused.headers.allow).toBe('GET, POST')
  })
})
