/**
 * The adapter contract through AWS Lambda, once per HTTP event source: a local front on 127.0.0.1 turns each request
 * into the event that source sends (built over AWS's own example, test/fixtures/aws-lambda/), invokes the handler and
 * writes its result back the way that source reads it (test/support/lambda-front.ts). Then what the front cannot
 * show: events as AWS shapes them beyond what a Node client sends (header case, base64 bodies at the limit, the URL
 * a provider signs), straight into the handler.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { lambdaHandler } from '../../src/adapters/aws-lambda.js'
import { createReceiver, memoryStore, type ReceiverOptions, type WebhookEvent } from '../../src/index.js'
import { hmac } from '../../src/providers/hmac.js'
import { stripe } from '../../src/providers/stripe.js'
import { twilio } from '../../src/providers/twilio.js'
import { signStripe, signTwilio } from '../../src/testing/index.js'
import { deferred, silentLogger } from '../support/helpers.js'
import {
  LAMBDA_SOURCES,
  lambdaFront,
  PLATFORM_BODY_LIMIT,
  SOURCE_NAMES,
  type LambdaSource,
} from '../support/lambda-front.js'
import { adapterContract, listening } from './contract.js'

for (const source of LAMBDA_SOURCES) {
  adapterContract({
    name: `AWS Lambda, lambdaHandler behind ${SOURCE_NAMES[source]}`,
    mount: (receiver) => listening(lambdaFront(source, lambdaHandler(receiver))),
    platformBodyLimit: PLATFORM_BODY_LIMIT[source],
    holdsAnswerForHandlers: true,
  })
}

/** AWS's example event of `source`, to write a request over. */
function example(source: LambdaSource): Record<string, any> {
  const url = new URL(`../fixtures/aws-lambda/${source}.json`, import.meta.url)
  return JSON.parse(readFileSync(url, 'utf8')) as Record<string, any>
}

const SECRET = 'whsec_lambda'
const NOW = 1_780_000_000

function stripeReceiver(options: Partial<ReceiverOptions<ReturnType<typeof stripe>>> = {}) {
  const receiver = createReceiver({
    provider: stripe({ secret: SECRET }),
    now: () => NOW * 1000,
    logger: silentLogger(),
    ...options,
  })
  const seen: WebhookEvent[] = []
  receiver.onAny((event) => void seen.push(event))
  return { receiver, seen }
}

/** A signed Stripe delivery as a REST API event, its header names in the case the sender wrote them. */
function restEvent(
  body: string | Buffer,
  headers: Record<string, string>,
  base64: boolean,
): Record<string, any> {
  const event = example('rest-api')
  const text = typeof body === 'string' ? body : body.toString('base64')
  return {
    ...event,
    httpMethod: 'POST',
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    body: base64 ? (typeof body === 'string' ? Buffer.from(body).toString('base64') : text) : text,
    isBase64Encoded: base64,
  }
}

function signedStripe(payload: string) {
  const delivery = signStripe({ payload, secret: SECRET, timestamp: NOW })
  return { 'Content-Type': 'application/json', 'Stripe-Signature': delivery.headers['stripe-signature']! }
}

describe('lambdaHandler on events as AWS shapes them', () => {
  afterEach(() => void vi.restoreAllMocks())

  it('finds headers a REST API passes in the case the sender wrote them (Stripe-Signature)', async () => {
    const { receiver, seen } = stripeReceiver()
    const payload = JSON.stringify({ id: 'evt_case', type: 'customer.created', data: {} })
    const result = await lambdaHandler(receiver)(restEvent(payload, signedStripe(payload), false) as never)
    expect(result).toMatchObject({ statusCode: 200, body: '{"received":true}', isBase64Encoded: false })
    expect(seen.map((event) => event.id)).toEqual(['evt_case'])
    expect(seen[0]!.headers['stripe-signature']).toMatch(/^t=/)
  })

  it('verifies a base64 body on its exact bytes, bytes that are not UTF-8 included', async () => {
    const receiver = createReceiver({
      provider: hmac({ secret: 'shared', header: 'x-signature', algorithm: 'sha256', encoding: 'hex' }),
      logger: silentLogger(),
    })
    const seen: WebhookEvent[] = []
    receiver.onAny((event) => void seen.push(event))
    // A JSON body with a Latin-1 byte (0xE9) inside a string: not UTF-8, so any text round trip would change it.
    const body = Buffer.concat([
      Buffer.from('{"id":"raw","type":"t","v":"caf'),
      Buffer.from([0xe9]),
      Buffer.from('"}'),
    ])
    const { createHmac } = await import('node:crypto')
    const signature = createHmac('sha256', 'shared').update(body).digest('hex')
    const event = restEvent(body, { 'content-type': 'application/json', 'x-signature': signature }, true)
    const result = await lambdaHandler(receiver)(event as never)
    expect(result.statusCode).toBe(200)
    expect(Buffer.from(seen[0]!.rawBody).equals(body)).toBe(true)
  })

  describe('the body limit, on the decoded size and on the base64 text before decoding', () => {
    const bodyLimit = 1000
    const sized = (bytes: number) => {
      const prefix = '{"id":"evt_size","type":"customer.created","data":{"pad":"'
      return `${prefix}${'x'.repeat(bytes - prefix.length - 3)}"}}`
    }

    it('accepts a base64 body of exactly the limit', async () => {
      const { receiver, seen } = stripeReceiver({ bodyLimit })
      const payload = sized(bodyLimit)
      const result = await lambdaHandler(receiver)(restEvent(payload, signedStripe(payload), true) as never)
      expect(result.statusCode).toBe(200)
      expect(seen[0]!.rawBody.byteLength).toBe(bodyLimit)
    })

    it('refuses a base64 body that decodes to one byte over the limit (413 body_too_large)', async () => {
      const { receiver, seen } = stripeReceiver({ bodyLimit })
      const payload = sized(bodyLimit + 1)
      // 1001 bytes encode to 1336 characters, within 4 × ⌈1000 / 3⌉ = 1336: only the decoded size tells.
      expect(Buffer.from(payload).toString('base64')).toHaveLength(1336)
      const result = await lambdaHandler(receiver)(restEvent(payload, signedStripe(payload), true) as never)
      expect(result.statusCode).toBe(413)
      expect(JSON.parse(result.body).code).toBe('body_too_large')
      expect(result.headers!['content-type']).toBe('application/problem+json')
      expect(seen).toHaveLength(0)
    })

    it('refuses a base64 text longer than any encoding of the limit without decoding it', async () => {
      const { receiver, seen } = stripeReceiver({ bodyLimit })
      const event = restEvent('', signedStripe('{}'), true)
      const huge = { ...event, body: 'QUJD'.repeat(4 * 1024 * 1024) } // 16 MiB of base64
      const handler = lambdaHandler(receiver)
      const decode = vi.spyOn(Buffer, 'from')
      const result = await handler(huge as never)
      expect(result.statusCode).toBe(413)
      expect(JSON.parse(result.body).code).toBe('body_too_large')
      expect(decode.mock.calls.filter((call) => (call as unknown[])[1] === 'base64')).toEqual([])
      expect(seen).toHaveLength(0)
    })

    it('refuses a text body over the limit, counted in UTF-8 bytes', async () => {
      const { receiver, seen } = stripeReceiver({ bodyLimit })
      // 800 UTF-16 code units of rockets, 1600 bytes: under the limit in characters, over it in bytes.
      const payload = `{"id":"evt_utf8","data":"${'🚀'.repeat(400)}"}`
      expect(payload.length).toBeLessThan(bodyLimit)
      const result = await lambdaHandler(receiver)(restEvent(payload, signedStripe(payload), false) as never)
      expect(result.statusCode).toBe(413)
      expect(JSON.parse(result.body).code).toBe('body_too_large')
      expect(seen).toHaveLength(0)
    })
  })

  describe('the URL a provider signs (Twilio: scheme, host, path and query)', () => {
    const authToken = 'twilio_auth_token_lambda'
    const params = { From: '+15551234567', Body: 'hi', MessageSid: 'SM0123456789abcdef0123456789abcdef' }

    function twilioReceiver() {
      const receiver = createReceiver({ provider: twilio({ authToken }), logger: silentLogger() })
      const seen: WebhookEvent[] = []
      receiver.onAny((event) => void seen.push(event))
      return { receiver, seen }
    }

    it('rebuilds it from an HTTP API event: domainName, rawPath (stage included) and rawQueryString as sent', async () => {
      const { receiver, seen } = twilioReceiver()
      const url = 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod/sms?tenant=a%2Fb&x=1+2'
      const delivery = signTwilio({ url, params, authToken })
      const event = example('http-api')
      Object.assign(event, {
        rawPath: '/prod/sms',
        rawQueryString: 'tenant=a%2Fb&x=1+2',
        headers: { ...delivery.headers, host: 'abc123.execute-api.eu-west-1.amazonaws.com' },
        body: Buffer.from(delivery.body).toString('base64'),
        isBase64Encoded: true,
      })
      delete event.cookies
      event.requestContext.domainName = 'abc123.execute-api.eu-west-1.amazonaws.com'
      const result = await lambdaHandler(receiver)(event as never)
      expect(result.statusCode).toBe(200)
      expect(seen).toHaveLength(1)
    })

    it('rebuilds it from a REST API event: requestContext.path (stage included) and the decoded query encoded again', async () => {
      const { receiver, seen } = twilioReceiver()
      const url = 'https://gy415nuibc.execute-api.us-east-1.amazonaws.com/testStage/sms?tenant=a%20b'
      const delivery = signTwilio({ url, params, authToken })
      const event = restEvent(delivery.body, { ...delivery.headers }, false)
      Object.assign(event, {
        path: '/sms',
        queryStringParameters: { tenant: 'a b' },
        multiValueQueryStringParameters: { tenant: ['a b'] },
      })
      event.requestContext = { ...event.requestContext, path: '/testStage/sms' }
      // The example has no requestContext.domainName: the Host header names the API's domain.
      event.headers = { ...event.headers, Host: 'gy415nuibc.execute-api.us-east-1.amazonaws.com' }
      event.multiValueHeaders = {
        ...event.multiValueHeaders,
        Host: ['gy415nuibc.execute-api.us-east-1.amazonaws.com'],
      }
      const result = await lambdaHandler(receiver)(event as never)
      expect(result.statusCode).toBe(200)
      expect(seen).toHaveLength(1)
    })

    it('rebuilds it from an ALB event: X-Forwarded-Proto, Host, and the query it passes still encoded', async () => {
      const { receiver, seen } = twilioReceiver()
      const url = 'http://lambda-alb-123578498.us-east-1.elb.amazonaws.com/sms?tenant=a%2Fb'
      const delivery = signTwilio({ url, params, authToken })
      const event = example('alb-multi-value')
      Object.assign(event, {
        httpMethod: 'POST',
        path: '/sms',
        multiValueQueryStringParameters: { tenant: ['a%2Fb'] },
        body: Buffer.from(delivery.body).toString('base64'),
        isBase64Encoded: true,
      })
      for (const [name, value] of Object.entries(delivery.headers)) event.multiValueHeaders[name] = [value]
      const result = await lambdaHandler(receiver)(event as never)
      expect(result).toMatchObject({ statusCode: 200, statusDescription: '200 OK' })
      // Multi-value mode: the answer's headers are lists, and there is no single-value `headers` the ALB would ignore.
      expect(result.multiValueHeaders!['content-type']).toEqual(['text/xml'])
      expect(result.headers).toBeUndefined()
      expect(seen).toHaveLength(1)
    })
  })

  it('joins payload 2.0 cookies back into the Cookie header', async () => {
    const { receiver, seen } = stripeReceiver()
    const payload = JSON.stringify({ id: 'evt_cookie', type: 'customer.created', data: {} })
    const event = example('function-url')
    Object.assign(event, {
      headers: {
        'content-type': 'application/json',
        'stripe-signature': signedStripe(payload)['Stripe-Signature'],
      },
      body: payload,
    })
    const result = await lambdaHandler(receiver)(event as never)
    expect(result).toEqual({
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      body: '{"received":true}',
    })
    expect(seen[0]!.headers.cookie).toBe('cookie1; cookie2')
  })

  it('answers an ALB in single-value mode with headers and a status line, never multi-value headers', async () => {
    const { receiver, seen } = stripeReceiver()
    const event = example('alb') // AWS's example is a GET
    const result = await lambdaHandler(receiver)(event as never)
    expect(result).toMatchObject({ statusCode: 405, statusDescription: '405 Method Not Allowed' })
    expect(result.headers).toMatchObject({ allow: 'POST', 'content-type': 'application/problem+json' })
    expect(result.multiValueHeaders).toBeUndefined()
    expect(seen).toHaveLength(0)
  })

  it('throws a TypeError that names the HTTP sources when invoked with another event (SQS)', async () => {
    const { receiver } = stripeReceiver()
    const sqs = { Records: [{ messageId: '1', body: '{}', eventSource: 'aws:sqs' }] }
    await expect(lambdaHandler(receiver)(sqs as never)).rejects.toThrow(
      /API Gateway .* Function URL .* Load Balancer/,
    )
  })

  it('answers 500 to a failure past the deadline across copies of the package (the adapter from the built CJS file)', async () => {
    // The suite builds dist/ before vitest starts. The failure comes from the receiver's copy of the errors module,
    // and the built adapter has its own: only the registered brand tells it apart from a success.
    const require = createRequire(import.meta.url)
    const built = require('../../dist/adapters/aws-lambda.cjs') as { lambdaHandler: typeof lambdaHandler }
    expect(built.lambdaHandler).not.toBe(lambdaHandler)
    const store = memoryStore()
    const deadline = deferred()
    const extend: typeof store.extend = (...args) => {
      deadline.resolve() // the receiver renews the lease from the deadline on: it has passed
      return store.extend!(...args)
    }
    const { receiver } = stripeReceiver({ deadlineMs: 20, store: { ...store, extend } })
    receiver.onAny(async () => {
      await deadline.promise
      throw new Error('failed after the deadline')
    })
    const payload = JSON.stringify({ id: 'evt_copy', type: 'customer.created', data: {} })
    const result = await built.lambdaHandler(receiver)(
      restEvent(payload, signedStripe(payload), true) as never,
    )
    expect(result.statusCode).toBe(500)
    expect(JSON.parse(result.body).code).toBe('handler_failed')
  })
})
