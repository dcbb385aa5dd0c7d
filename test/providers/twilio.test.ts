/**
 * Twilio conformance: our signer against twilio-node's validators, twilio-node's signatures and published vectors
 * against our receiver, the URL the signature covers (option, Host, trusted proxy headers, ports), JSON bodies,
 * TwiML replies and dedup.
 */
import twilioSdk from 'twilio'
import { getExpectedBodyHash, getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks.js'
import { describe, expect, it } from 'vitest'
import { createReceiver, type WebhookEvent, type WebhookResponse } from '../../src/index.js'
import { slackReply } from '../../src/providers/slack.js'
import { twilio, twimlReply, type TwilioOptions } from '../../src/providers/twilio.js'
import { signTwilio } from '../../src/testing/index.js'
import { silentLogger } from '../support/helpers.js'

const AUTH_TOKEN = 'twilio-auth-token-conformance'
const SMS = { MessageSid: 'SM1234567890', From: '+15551234567', To: '+15557654321', Body: 'Hello there' }

function setup(options: Partial<TwilioOptions> = {}) {
  const logger = silentLogger()
  const receiver = createReceiver({
    provider: twilio({ authToken: AUTH_TOKEN, ...options }),
    now: () => 1_700_000_000_000,
    logger,
  })
  const seen: WebhookEvent[] = []
  receiver.onAny((event) => {
    seen.push(event)
  })
  return { receiver, seen, logger }
}

/** A request as an adapter hands it over: `url` is the path (node) or the absolute URL (fetch runtimes). */
const request = (url: string, delivery: { headers: Record<string, string>; body: string }, extra = {}) => ({
  method: 'POST',
  url,
  headers: { ...delivery.headers, ...extra },
  body: delivery.body,
})

const problem = (response: WebhookResponse) =>
  JSON.parse(response.body) as { code: string; status: number; detail: string }

/** A form POST carrying `signature`, with `params` encoded as Twilio sends them. */
function formDelivery(params: Record<string, string | string[]>, signature: string) {
  const form = new URLSearchParams()
  for (const [name, value] of Object.entries(params)) {
    for (const item of typeof value === 'string' ? [value] : value) form.append(name, item)
  }
  return {
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    body: form.toString(),
  }
}

describe("Twilio and twilio-node's validators", () => {
  it("signTwilio's form signature passes twilio.validateRequest", () => {
    const url = 'https://example.com/sms?tenant=7'
    const delivery = signTwilio({ url, params: SMS, authToken: AUTH_TOKEN })
    expect(twilioSdk.validateRequest(AUTH_TOKEN, delivery.headers['x-twilio-signature']!, url, SMS)).toBe(
      true,
    )
    expect(
      twilioSdk.validateRequest('another-token', delivery.headers['x-twilio-signature']!, url, SMS),
    ).toBe(false)
  })

  it("signTwilio's JSON delivery passes twilio.validateRequestWithBody on the URL it returns", () => {
    const delivery = signTwilio({
      url: 'https://example.com/events',
      json: { type: 'x' },
      authToken: AUTH_TOKEN,
    })
    const signature = delivery.headers['x-twilio-signature']!
    expect(delivery.url).toMatch(/\?bodySHA256=[0-9a-f]{64}$/)
    expect(twilioSdk.validateRequestWithBody(AUTH_TOKEN, signature, delivery.url, delivery.body)).toBe(true)
    expect(twilioSdk.validateRequestWithBody(AUTH_TOKEN, signature, delivery.url, `${delivery.body} `)).toBe(
      false,
    )
  })

  it("accepts a form signature computed by twilio-node's getExpectedTwilioSignature", async () => {
    const { receiver, seen } = setup({ url: 'https://example.com/sms' })
    const signature = getExpectedTwilioSignature(AUTH_TOKEN, 'https://example.com/sms', SMS)
    const response = await receiver.handle(request('/sms', formDelivery(SMS, signature)))
    expect(response.status).toBe(200)
    expect(seen.map((event) => event.type)).toEqual(['message.received'])
  })

  it("accepts a JSON delivery signed with twilio-node's getExpectedTwilioSignature and getExpectedBodyHash", async () => {
    const { receiver, seen } = setup({ url: 'https://example.com/events' })
    const body = JSON.stringify({ type: 'com.twilio.messaging.message.delivered', data: { sid: 'SM1' } })
    const url = `https://example.com/events?bodySHA256=${getExpectedBodyHash(body)}`
    const signature = getExpectedTwilioSignature(AUTH_TOKEN, url, {})
    const response = await receiver.handle(
      request(`/events?bodySHA256=${getExpectedBodyHash(body)}`, {
        headers: { 'content-type': 'application/json', 'x-twilio-signature': signature },
        body,
      }),
    )
    expect(response.status).toBe(200)
    expect(seen.map((event) => event.type)).toEqual(['com.twilio.messaging.message.delivered'])
  })
})

/**
 * SharedKey signatures (twilio-node 6.3: `webhook(authToken, { sharedKeySecret })`, `getSignatureAlgorithm`): where a
 * Webhooks Rule matches the URL, Twilio signs the same content with the Setting's SharedKey and algorithm and sends
 * `X-Twilio-Webhooks-Signature-Settings: key=<id>,algorithm=<HMAC_SHA1|HMAC_SHA256>`.
 */
describe('Twilio SharedKey signatures (X-Twilio-Webhooks-Signature-Settings)', () => {
  const SHARED_KEY = 'twilio-shared-key-secret-conformance'
  const url = 'https://example.com/sms'
  const settings = (algorithm: string) => ({
    'x-twilio-webhooks-signature-settings': `key=webhooks_sharedkey_0123,algorithm=${algorithm}`,
  })

  it("signTwilio's SharedKey signature passes twilio-node's validator with the algorithm read from its header", () => {
    for (const algorithm of ['HMAC_SHA256', 'HMAC_SHA1'] as const) {
      const delivery = signTwilio({ url, params: SMS, sharedKeySecret: SHARED_KEY, algorithm })
      const header = delivery.headers['x-twilio-webhooks-signature-settings']!
      expect(twilioSdk.getSignatureAlgorithm(header)).toBe(algorithm)
      const signature = delivery.headers['x-twilio-signature']!
      expect(twilioSdk.validateRequest(SHARED_KEY, signature, url, SMS, algorithm)).toBe(true)
      expect(twilioSdk.validateRequest(AUTH_TOKEN, signature, url, SMS, algorithm)).toBe(false)
    }
  })

  it("accepts form and JSON deliveries signed by twilio-node's getExpectedTwilioSignature with HMAC_SHA256", async () => {
    const { receiver, seen } = setup({ url, sharedKeySecret: ['an-older-shared-key', SHARED_KEY] })
    const formSignature = getExpectedTwilioSignature(SHARED_KEY, url, SMS, 'HMAC_SHA256')
    const form = await receiver.handle(
      request('/sms', formDelivery(SMS, formSignature), settings('HMAC_SHA256')),
    )
    expect(form.status).toBe(200)
    const body = JSON.stringify({ type: 'message.received', data: { sid: 'SM2' } })
    const jsonUrl = `${url}?bodySHA256=${getExpectedBodyHash(body)}`
    const jsonSignature = getExpectedTwilioSignature(SHARED_KEY, jsonUrl, {}, 'HMAC_SHA256')
    const json = await receiver.handle(
      request(`/sms?bodySHA256=${getExpectedBodyHash(body)}`, {
        headers: {
          'content-type': 'application/json',
          'x-twilio-signature': jsonSignature,
          ...settings('hmac_sha256'),
        },
        body,
      }),
    )
    expect(json.status).toBe(200)
    expect(seen.map((event) => event.type)).toEqual(['message.received', 'message.received'])
  })

  it('reads HMAC-SHA1 under the SharedKey when the header names that algorithm or none', async () => {
    const { receiver, seen } = setup({ url, sharedKeySecret: SHARED_KEY })
    const signature = getExpectedTwilioSignature(SHARED_KEY, url, SMS, 'HMAC_SHA1')
    for (const header of ['key=webhooks_sharedkey_0123,algorithm=HMAC_SHA1', 'key=webhooks_sharedkey_0123']) {
      const response = await receiver.handle(
        request('/sms', formDelivery(SMS, signature), {
          'x-twilio-webhooks-signature-settings': header,
          'i-twilio-idempotency-token': header,
        }),
      )
      expect(response.status).toBe(200)
    }
    expect(seen).toHaveLength(1) // the second is the same signed request: a replay under another token
  })

  it('refuses a SharedKey signature checked as an Auth Token one, and the other way round', async () => {
    const { receiver, seen } = setup({ url, sharedKeySecret: SHARED_KEY })
    const shared = getExpectedTwilioSignature(SHARED_KEY, url, SMS, 'HMAC_SHA256')
    const withoutSettings = await receiver.handle(request('/sms', formDelivery(SMS, shared)))
    expect(problem(withoutSettings)).toMatchObject({ status: 401, code: 'signature_invalid' })
    const token = getExpectedTwilioSignature(AUTH_TOKEN, url, SMS)
    const withSettings = await receiver.handle(
      request('/sms', formDelivery(SMS, token), settings('HMAC_SHA1')),
    )
    expect(problem(withSettings)).toMatchObject({ status: 401, code: 'signature_invalid' })
    expect(seen).toHaveLength(0)
  })

  it('refuses an unsupported algorithm, and a SharedKey request when no sharedKeySecret is configured, saying which option to set', async () => {
    const signature = getExpectedTwilioSignature(SHARED_KEY, url, SMS, 'HMAC_SHA256')
    const configured = setup({ url, sharedKeySecret: SHARED_KEY })
    const unsupported = await configured.receiver.handle(
      request('/sms', formDelivery(SMS, signature), settings('HMAC_SHA512')),
    )
    expect(problem(unsupported)).toMatchObject({ status: 401, code: 'signature_invalid' })
    expect(problem(unsupported).detail).toContain('unsupported algorithm')
    const unconfigured = setup({ url })
    const response = await unconfigured.receiver.handle(
      request('/sms', formDelivery(SMS, signature), settings('HMAC_SHA256')),
    )
    expect(problem(response)).toMatchObject({ status: 401, code: 'signature_invalid' })
    expect(problem(response).detail).toContain('sharedKeySecret')
    expect(configured.seen.length + unconfigured.seen.length).toBe(0)
  })

  it('refuses an empty sharedKeySecret at construction', () => {
    expect(() => twilio({ authToken: AUTH_TOKEN, sharedKeySecret: '' })).toThrow(
      /twilio\(\{ sharedKeySecret \}\): secret #1 is empty/,
    )
  })
})

/**
 * twilio-node's published validation vectors: twilio/twilio-node, spec/validation.spec.js ("Request validation").
 * Each is checked against twilio-node's own validateRequest too, so a wrong transcription fails loudly.
 */
describe("twilio-node's published vectors", () => {
  const token = '12345'
  const requestUrl = 'https://mycompany.com/myapp.php?foo=1&bar=2'
  const params = {
    CallSid: 'CA1234567890ABCDE',
    Caller: '+14158675309',
    Digits: '1234',
    From: '+14158675309',
    To: '+18005551212',
  }
  const defaultSignature = 'RSOYDt4T1cUTdK1PDd93/VVr8B8='
  const body = '{"property": "value", "boolean": true}'
  const bodyHash = '0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620'

  /** The vector's URL is what a fetch adapter would hand over: the absolute URL Twilio called. */
  async function acceptsForm(url: string, signature: string) {
    expect(twilioSdk.validateRequest(token, signature, url, params)).toBe(true)
    const receiver = createReceiver({ provider: twilio({ authToken: token }), logger: silentLogger() })
    const events: WebhookEvent[] = []
    receiver.onAny((event) => {
      events.push(event)
    })
    const response = await receiver.handle(request(url, formDelivery(params, signature)))
    expect(response.status).toBe(200)
    expect(events).toHaveLength(1)
    return events[0]!
  }

  it('accepts the default signature of the form parameters', async () => {
    const event = await acceptsForm(requestUrl, defaultSignature)
    expect(event).toMatchObject({ type: 'call', payload: params })
  })

  it("refuses the default signature with the vector's wrong signature", async () => {
    const receiver = createReceiver({ provider: twilio({ authToken: token }), logger: silentLogger() })
    const response = await receiver.handle(request(requestUrl, formDelivery(params, 'WRONG_SIGNATURE')))
    expect(response.status).toBe(401)
  })

  it('accepts the JSON body vector (bodySHA256 in the URL)', async () => {
    const url = `${requestUrl}&bodySHA256=${bodyHash}`
    const signature = 'a9nBmqA0ju/hNViExpshrM61xv4='
    expect(twilioSdk.validateRequestWithBody(token, signature, url, body)).toBe(true)
    const receiver = createReceiver({ provider: twilio({ authToken: token }), logger: silentLogger() })
    const response = await receiver.handle(
      request(url, {
        headers: { 'content-type': 'application/json', 'x-twilio-signature': signature },
        body,
      }),
    )
    expect(response.status).toBe(200)
  })

  it('accepts the JSON body vector whose URL carries only bodySHA256', async () => {
    const url = `https://mycompany.com/myapp.php?bodySHA256=${bodyHash}`
    const signature = 'y77kIzt2vzLz71DgmJGsen2scGs='
    expect(twilioSdk.validateRequestWithBody(token, signature, url, body)).toBe(true)
    const receiver = createReceiver({ provider: twilio({ authToken: token }), logger: silentLogger() })
    const response = await receiver.handle(
      request(url, {
        headers: { 'content-type': 'application/json', 'x-twilio-signature': signature },
        body,
      }),
    )
    expect(response.status).toBe(200)
  })

  it('accepts an https URL with a port when the signature was made without it', async () => {
    await acceptsForm(requestUrl.replace('.com', '.com:1234'), defaultSignature)
  })

  it('accepts an http URL signed with its non-default port', async () => {
    const url = requestUrl.replace('.com', '.com:1234').replace('https', 'http')
    await acceptsForm(url, 'Zmvh+3yNM1Phv2jhDCwEM3q5ebU=')
  })

  it('accepts an https URL whose signature was made with :443 added', async () => {
    await acceptsForm(requestUrl, 'kvajT1Ptam85bY51eRf/AJRuM3w=')
  })

  it('accepts an http URL whose signature was made with :80 added', async () => {
    await acceptsForm(requestUrl.replace('https', 'http'), '0ZXoZLH/DfblKGATFgpif+LLRf4=')
  })

  it('accepts a URL with credentials', async () => {
    await acceptsForm('https://user:pass@mycompany.com/myapp.php?foo=1&bar=2', 'CukzLTc1tT5dXEDIHm/tKBanW10=')
  })

  it('accepts a URL with only a user name', async () => {
    await acceptsForm('https://user@mycompany.com/myapp.php?foo=1&bar=2', '2YRLlVAflCqxaNicjMpJcSTgzSs=')
  })

  it('accepts a URL with credentials whose signature was made with :443 added', async () => {
    await acceptsForm('https://user:pass@mycompany.com/myapp.php?foo=1&bar=2', 'ZQFR1PTIZXF2MXB8ZnKCvnnA+rI=')
  })

  it('accepts a URL with special characters in its query', async () => {
    await acceptsForm(`${requestUrl}&Body=It's+amazing`, 'dsq4Ehbj6cs+KdTkpF5sSSplOWw=')
  })
})

describe('Twilio signed content', () => {
  it('signs every value of a repeated key, sorted, as twilio-node does', async () => {
    const params = { MessageSid: 'SM1', Body: 'pics', MediaUrl: ['https://m/2.jpg', 'https://m/1.jpg'] }
    const url = 'https://example.com/mms'
    const delivery = signTwilio({ url, params, authToken: AUTH_TOKEN })
    expect(delivery.headers['x-twilio-signature']).toBe(getExpectedTwilioSignature(AUTH_TOKEN, url, params))
    const { receiver, seen } = setup({ url })
    expect((await receiver.handle(request('/mms', delivery))).status).toBe(200)
    expect(seen[0]?.payload).toMatchObject({ MediaUrl: ['https://m/2.jpg', 'https://m/1.jpg'] })
  })

  it('refuses a repeated key with one value dropped', async () => {
    const url = 'https://example.com/mms'
    const signed = signTwilio({
      url,
      params: { MessageSid: 'SM1', MediaUrl: ['a', 'b'] },
      authToken: AUTH_TOKEN,
    })
    const { receiver, seen } = setup({ url })
    const response = await receiver.handle(request('/mms', { ...signed, body: 'MessageSid=SM1&MediaUrl=a' }))
    expect(response.status).toBe(401)
    expect(seen).toHaveLength(0)
  })

  it('accepts a signature made over https://host:443/x when the URL is https://host/x', async () => {
    const signature = getExpectedTwilioSignature(AUTH_TOKEN, 'https://example.com:443/x', SMS)
    const { receiver } = setup({ url: 'https://example.com/x' })
    expect((await receiver.handle(request('/x', formDelivery(SMS, signature)))).status).toBe(200)
  })

  it('accepts a signature made over https://host/x when the URL is https://host:443/x', async () => {
    const signature = getExpectedTwilioSignature(AUTH_TOKEN, 'https://example.com/x', SMS)
    const { receiver } = setup({ url: 'https://example.com:443/x' })
    expect((await receiver.handle(request('/x', formDelivery(SMS, signature)))).status).toBe(200)
  })

  it('refuses a signature made for another path', async () => {
    const signature = getExpectedTwilioSignature(AUTH_TOKEN, 'https://example.com/other', SMS)
    const { receiver, seen } = setup({ url: 'https://example.com/x' })
    expect((await receiver.handle(request('/x', formDelivery(SMS, signature)))).status).toBe(401)
    expect(seen).toHaveLength(0)
  })

  it('refuses a JSON body changed after signing (bodySHA256 no longer matches): 401', async () => {
    const delivery = signTwilio({
      url: 'https://example.com/events',
      json: { amount: 10 },
      authToken: AUTH_TOKEN,
    })
    const { receiver, seen } = setup({ url: 'https://example.com/events' })
    const path = delivery.url.slice('https://example.com'.length)
    const response = await receiver.handle(request(path, { ...delivery, body: '{"amount":99}' }))
    expect(response.status).toBe(401)
    expect(problem(response).code).toBe('signature_invalid')
    expect(seen).toHaveLength(0)
  })

  it('refuses a JSON body whose bodySHA256 was rewritten to match it (the URL is signed): 401', async () => {
    const delivery = signTwilio({
      url: 'https://example.com/events',
      json: { amount: 10 },
      authToken: AUTH_TOKEN,
    })
    const { receiver, seen } = setup({ url: 'https://example.com/events' })
    const forged = '{"amount":99}'
    const response = await receiver.handle(
      request(`/events?bodySHA256=${getExpectedBodyHash(forged)}`, { ...delivery, body: forged }),
    )
    expect(response.status).toBe(401)
    expect(seen).toHaveLength(0)
  })

  it('refuses a JSON body sent without any bodySHA256: 401', async () => {
    const body = '{"amount":10}'
    const signature = getExpectedTwilioSignature(AUTH_TOKEN, 'https://example.com/events', {})
    const { receiver } = setup({ url: 'https://example.com/events' })
    const response = await receiver.handle(
      request('/events', {
        headers: { 'content-type': 'application/json', 'x-twilio-signature': signature },
        body,
      }),
    )
    expect(response.status).toBe(401)
  })

  it('accepts a JSON body when the url option carries its own query (bodySHA256 is appended to it)', async () => {
    const configured = 'https://example.com/events?tenant=7'
    const delivery = signTwilio({ url: configured, json: { amount: 10 }, authToken: AUTH_TOKEN })
    expect(delivery.url).toMatch(/^https:\/\/example\.com\/events\?tenant=7&bodySHA256=/)
    const { receiver, seen } = setup({ url: configured })
    const response = await receiver.handle(
      request(delivery.url.slice('https://example.com'.length), delivery),
    )
    expect(response.status).toBe(200)
    expect(seen).toHaveLength(1)
  })
})

describe('Twilio public URL', () => {
  const publicUrl = 'https://hooks.example.com/sms'

  it('uses the url option, whatever Host the request reached the app with', async () => {
    const delivery = signTwilio({ url: publicUrl, params: SMS, authToken: AUTH_TOKEN })
    const { receiver } = setup({ url: publicUrl })
    const response = await receiver.handle(request('/sms', delivery, { host: 'internal:3000' }))
    expect(response.status).toBe(200)
  })

  it('appends the request query to a url option that has none', async () => {
    const delivery = signTwilio({ url: `${publicUrl}?tenant=7`, params: SMS, authToken: AUTH_TOKEN })
    const { receiver } = setup({ url: publicUrl })
    expect((await receiver.handle(request('/sms?tenant=7', delivery))).status).toBe(200)
  })

  it('accepts a url option given as a function of the request', async () => {
    const delivery = signTwilio({ url: publicUrl, params: SMS, authToken: AUTH_TOKEN })
    const { receiver } = setup({ url: (req) => `https://hooks.example.com${req.url}` })
    expect((await receiver.handle(request('/sms', delivery))).status).toBe(200)
  })

  it('without a url option rebuilds http://<Host><path> from the request', async () => {
    const delivery = signTwilio({ url: 'http://app.example.com/sms', params: SMS, authToken: AUTH_TOKEN })
    const { receiver } = setup()
    expect((await receiver.handle(request('/sms', delivery, { host: 'app.example.com' }))).status).toBe(200)
  })

  it('uses an absolute request URL as it is (fetch runtimes)', async () => {
    const delivery = signTwilio({ url: publicUrl, params: SMS, authToken: AUTH_TOKEN })
    const { receiver } = setup()
    expect((await receiver.handle(request(publicUrl, delivery))).status).toBe(200)
  })

  it('with trustProxy uses X-Forwarded-Proto and X-Forwarded-Host', async () => {
    const delivery = signTwilio({ url: publicUrl, params: SMS, authToken: AUTH_TOKEN })
    const { receiver } = setup({ trustProxy: true })
    const forwarded = {
      host: 'internal:3000',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'hooks.example.com',
    }
    expect((await receiver.handle(request('/sms', delivery, forwarded))).status).toBe(200)
  })

  it('with trustProxy takes the first value of a comma-separated X-Forwarded-* list', async () => {
    const delivery = signTwilio({ url: publicUrl, params: SMS, authToken: AUTH_TOKEN })
    const { receiver } = setup({ trustProxy: true })
    const forwarded = {
      host: 'internal:3000',
      'x-forwarded-proto': 'https, http',
      'x-forwarded-host': 'hooks.example.com, lb.internal',
    }
    expect((await receiver.handle(request('/sms', delivery, forwarded))).status).toBe(200)
  })

  it('without trustProxy ignores X-Forwarded-Proto and X-Forwarded-Host', async () => {
    const delivery = signTwilio({ url: publicUrl, params: SMS, authToken: AUTH_TOKEN })
    const { receiver, seen } = setup()
    const forwarded = {
      host: 'internal:3000',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'hooks.example.com',
    }
    const response = await receiver.handle(request('/sms', delivery, forwarded))
    expect(response.status).toBe(401)
    expect(seen).toHaveLength(0)
  })

  it('says in the 401 detail how to set url, and where the URL came from, without echoing it', async () => {
    const delivery = signTwilio({ url: publicUrl, params: SMS, authToken: AUTH_TOKEN })
    const { receiver } = setup()
    const response = await receiver.handle(request('/sms?x=1', delivery, { host: 'internal:3000' }))
    expect(response.status).toBe(401)
    const { code, detail } = problem(response)
    expect(code).toBe('signature_invalid')
    expect(detail).toContain('rebuilt from http, the Host header and the path')
    expect(detail).toContain('url:')
    expect(detail).toContain('trustProxy')
    expect(detail).not.toContain('internal')
    expect(detail).not.toContain(AUTH_TOKEN)
  })

  it('never echoes a forwarded host, an internal service name, in the 401 detail', async () => {
    const delivery = signTwilio({ url: publicUrl, params: SMS, authToken: AUTH_TOKEN })
    const { receiver } = setup({ trustProxy: true })
    const forwarded = {
      host: 'billing-svc.cluster.local:8080',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'payments-internal.corp',
    }
    const response = await receiver.handle(request('/sms', delivery, forwarded))
    expect(response.status).toBe(401)
    const { detail } = problem(response)
    expect(detail).toContain('rebuilt from X-Forwarded-Proto, X-Forwarded-Host and the path')
    expect(detail).not.toMatch(/billing-svc|cluster\.local|payments-internal|corp/)
  })

  it('does not claim the URL was rebuilt when it came from the url option', async () => {
    const delivery = signTwilio({
      url: 'https://elsewhere.example.com/sms',
      params: SMS,
      authToken: AUTH_TOKEN,
    })
    const { receiver } = setup({ url: publicUrl })
    const response = await receiver.handle(request('/sms', delivery))
    expect(response.status).toBe(401)
    expect(problem(response).detail).not.toContain('rebuilt')
  })
})

describe('Twilio replies and dedup', () => {
  const sms = (idempotencyToken?: string) =>
    signTwilio({
      url: 'https://example.com/sms',
      params: SMS,
      authToken: AUTH_TOKEN,
      ...(idempotencyToken === undefined ? {} : { idempotencyToken }),
    })

  it('sends the TwiML of a twimlReply as text/xml', async () => {
    const { receiver } = setup({ url: 'https://example.com/sms' })
    const twiml = '<?xml version="1.0" encoding="UTF-8"?><Response><Message>Got it</Message></Response>'
    receiver.on('message.received', () => twimlReply(twiml))
    const response = await receiver.handle(request('/sms', sms()))
    expect(response).toEqual({ status: 200, headers: { 'content-type': 'text/xml' }, body: twiml })
  })

  it("sends twilio.twiml.MessagingResponse's XML through twimlReply", async () => {
    const { receiver } = setup({ url: 'https://example.com/sms' })
    receiver.on('message.received', (event) => {
      const reply = new twilioSdk.twiml.MessagingResponse()
      reply.message(`You said: ${String(event.payload.Body)}`)
      return twimlReply(reply)
    })
    const response = await receiver.handle(request('/sms', sms()))
    expect(response.headers['content-type']).toBe('text/xml')
    expect(response.body).toContain('<Message>You said: Hello there</Message>')
  })

  it('never sends what a handler returns without twimlReply, and says so once per receiver', async () => {
    const { receiver, logger } = setup({ url: 'https://example.com/sms' })
    receiver.on('message.received', async () => ({ id: 42, secretColumn: 'hunter2-do-not-show' }))
    for (const token of ['idem-a', 'idem-b']) {
      const response = await receiver.handle(request('/sms', sms(token)))
      expect(response.headers['content-type']).toBe('text/xml')
      expect(response.body).toMatch(/<Response><\/Response>$/)
      expect(response.body).not.toContain('hunter2')
    }
    expect(logger.warnings).toHaveLength(1)
    expect(String(logger.warnings[0]?.[0])).toMatch(/twilio handler returned a value that is not a reply/)
  })

  it('does not send a raw TwiML string, nor a reply made for Slack', async () => {
    const { receiver } = setup({ url: 'https://example.com/sms' })
    receiver.on('message.received', () => '<Response><Message>raw</Message></Response>')
    receiver.on('message.received', () => slackReply('for Slack'))
    const response = await receiver.handle(request('/sms', sms()))
    expect(response.body).toMatch(/<Response><\/Response>$/)
  })

  it('answers an empty <Response> TwiML when no handler is registered', async () => {
    const receiver = createReceiver({
      provider: twilio({ authToken: AUTH_TOKEN, url: 'https://example.com/sms' }),
      logger: silentLogger(),
    })
    const response = await receiver.handle(request('/sms', sms()))
    expect(response.status).toBe(200)
    expect(response.headers['content-type']).toBe('text/xml')
    expect(response.body).toMatch(/<Response><\/Response>$/)
  })

  it('runs a repeated I-Twilio-Idempotency-Token once', async () => {
    const { receiver, seen } = setup({ url: 'https://example.com/sms' })
    const other = signTwilio({
      url: 'https://example.com/sms',
      params: { ...SMS, MessageSid: 'SM0987654321' },
      authToken: AUTH_TOKEN,
      idempotencyToken: 'idem-2',
    })
    expect((await receiver.handle(request('/sms', sms('idem-1')))).status).toBe(200)
    expect((await receiver.handle(request('/sms', sms('idem-1')))).status).toBe(200)
    expect((await receiver.handle(request('/sms', other))).status).toBe(200)
    expect(seen.map((event) => event.id)).toEqual(['idem-1', 'idem-2'])
  })

  it('runs the same signed request once even under another I-Twilio-Idempotency-Token (a replay)', async () => {
    const { receiver, seen } = setup({ url: 'https://example.com/sms' })
    expect((await receiver.handle(request('/sms', sms('idem-1')))).status).toBe(200)
    expect((await receiver.handle(request('/sms', sms('idem-forged')))).status).toBe(200)
    expect(seen.map((event) => event.id)).toEqual(['idem-1'])
  })

  it('classifies an incoming SMS as message.received, a status callback as message.status, a call as call', async () => {
    const { receiver, seen } = setup({ url: 'https://example.com/sms' })
    const send = (params: Record<string, string>) =>
      receiver.handle(
        request('/sms', signTwilio({ url: 'https://example.com/sms', params, authToken: AUTH_TOKEN })),
      )
    await send(SMS)
    await send({ MessageSid: 'SM2', MessageStatus: 'delivered' })
    await send({ CallSid: 'CA1', CallStatus: 'ringing' })
    expect(seen.map((event) => event.type)).toEqual(['message.received', 'message.status', 'call'])
  })

  it('dispatches each CloudEvent of an Event Streams batch on its own, deduplicated on its id', async () => {
    const url = 'https://example.com/events'
    const { receiver, seen } = setup({ url })
    const delivered: string[] = []
    receiver.on('com.twilio.messaging.message.delivered', (event) => {
      delivered.push(String(event.payload.data.messageSid))
    })
    const cloudEvent = (id: string, type: string, messageSid: string) => ({
      specversion: '1.0',
      type,
      source: '/2010-04-01/Accounts/AC1/Messages/SM1.json',
      id,
      datacontenttype: 'application/json',
      time: '2026-11-22T10:00:00.000Z',
      data: { messageSid },
    })
    const batch = (...events: unknown[]) => {
      const delivery = signTwilio({ url, json: events, authToken: AUTH_TOKEN })
      return request(delivery.url.slice('https://example.com'.length), delivery) // /events?bodySHA256=…
    }
    const first = await receiver.handle(
      batch(
        cloudEvent('EZ1', 'com.twilio.messaging.message.delivered', 'SM1'),
        cloudEvent('EZ2', 'com.twilio.messaging.message.sent', 'SM2'),
      ),
    )
    expect(first.status).toBe(200)
    // Event Streams retries a batch whole: the item already handled is skipped, the new one runs.
    const second = await receiver.handle(
      batch(
        cloudEvent('EZ1', 'com.twilio.messaging.message.delivered', 'SM1'),
        cloudEvent('EZ3', 'com.twilio.messaging.message.delivered', 'SM3'),
      ),
    )
    expect(second.status).toBe(200)
    expect(seen.map((event) => [event.id, event.type])).toEqual([
      ['EZ1', 'com.twilio.messaging.message.delivered'],
      ['EZ2', 'com.twilio.messaging.message.sent'],
      ['EZ3', 'com.twilio.messaging.message.delivered'],
    ])
    expect(delivered).toEqual(['SM1', 'SM3'])
  })
})
