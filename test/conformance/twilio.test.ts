import twilioSdk from 'twilio'
import { describe, expect, it } from 'vitest'
import { createReceiver } from '../../src/index.js'
import { twilio } from '../../src/providers/twilio.js'
import { signTwilio } from '../../src/testing/index.js'
import { silentLogger } from '../support/helpers.js'

const AUTH_TOKEN = '12345'
const URL = 'https://mycompany.com/myapp.php?foo=1&bar=2'
const PARAMS = {
  CallSid: 'CA1234567890ABCDE',
  Caller: '+12349013030',
  Digits: '1234',
  From: '+12349013030',
  To: '+18005551212',
}

function setup(options: Partial<Parameters<typeof twilio>[0]> = {}) {
  const receiver = createReceiver({
    provider: twilio({ authToken: AUTH_TOKEN, ...options }),
    logger: silentLogger(),
  })
  const runs: string[] = []
  receiver.onAny((event) => {
    runs.push(event.type)
  })
  return { receiver, runs }
}

/** Where the request reached the app: the path (and Host) a node adapter sees, or the absolute URL of a fetch one. */
const at = (
  url: string,
  delivery: { headers: Record<string, string>; body: string },
  headers: Record<string, string> = {},
) => ({
  method: 'POST',
  url,
  headers: { ...delivery.headers, ...headers },
  body: delivery.body,
})

describe('Twilio', () => {
  it("produces signatures twilio's validateRequest accepts, and accepts twilio-node's own", async () => {
    const { url: _, ...delivery } = signTwilio({ url: URL, params: PARAMS, authToken: AUTH_TOKEN })
    expect(twilioSdk.validateRequest(AUTH_TOKEN, delivery.headers['x-twilio-signature']!, URL, PARAMS)).toBe(
      true,
    )
    const { getExpectedTwilioSignature } = await import('twilio/lib/webhooks/webhooks.js')
    const theirs = getExpectedTwilioSignature(AUTH_TOKEN, URL, PARAMS)
    expect(delivery.headers['x-twilio-signature']).toBe(theirs)
    const { receiver, runs } = setup({ url: 'https://mycompany.com/myapp.php' })
    expect((await receiver.handle(at('/myapp.php?foo=1&bar=2', delivery))).status).toBe(200)
    expect(runs).toEqual(['call'])
  })

  it("accepts twilio-node's published JSON-body vector (bodySHA256)", async () => {
    // twilio/twilio-node spec/unit/webhooks/webhooks.spec.ts: body, its hash, and the URL signature.
    const body = '{"property": "value", "boolean": true}'
    const hash = '0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620'
    const url = `${URL}&bodySHA256=${hash}`
    const headers = {
      'content-type': 'application/json',
      'x-twilio-signature': 'a9nBmqA0ju/hNViExpshrM61xv4=',
    }
    expect(twilioSdk.validateRequestWithBody(AUTH_TOKEN, headers['x-twilio-signature'], url, body)).toBe(true)
    const { receiver } = setup()
    expect((await receiver.handle({ method: 'POST', url, headers, body })).status).toBe(200)
    const tampered = await receiver.handle({
      method: 'POST',
      url,
      headers,
      body: body.replace('value', 'other'),
    })
    expect(tampered.status).toBe(401)
  })

  it('signs repeated fields the way twilio-node does', async () => {
    const params = { MessageSid: 'SM1', Body: 'hi', MediaUrl: ['https://b.example/2', 'https://a.example/1'] }
    const { url: _, ...delivery } = signTwilio({ url: URL, params, authToken: AUTH_TOKEN })
    expect(twilioSdk.validateRequest(AUTH_TOKEN, delivery.headers['x-twilio-signature']!, URL, params)).toBe(
      true,
    )
    const { receiver, runs } = setup({ url: URL })
    expect((await receiver.handle(at('/myapp.php', delivery))).status).toBe(200)
    expect(runs).toEqual(['message.received'])
  })

  it('accepts the URL signed with or without the default port', async () => {
    for (const signedUrl of ['https://example.com:443/sms', 'https://example.com/sms']) {
      const { url: _, ...delivery } = signTwilio({ url: signedUrl, params: PARAMS, authToken: AUTH_TOKEN })
      const { receiver } = setup({ url: 'https://example.com/sms' })
      expect((await receiver.handle(at('/sms', delivery))).status, signedUrl).toBe(200)
    }
  })

  it('rebuilds the URL from Host, and uses X-Forwarded-* only with trustProxy', async () => {
    const { url: _, ...delivery } = signTwilio({
      url: 'https://public.example/sms',
      params: PARAMS,
      authToken: AUTH_TOKEN,
    })
    const forwarded = {
      host: 'internal:3000',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'public.example',
    }
    expect((await setup({ trustProxy: true }).receiver.handle(at('/sms', delivery, forwarded))).status).toBe(
      200,
    )
    const untrusted = await setup().receiver.handle(at('/sms', delivery, forwarded))
    expect(untrusted.status).toBe(401)
    // The fix-it message names the URL that was used and how to set the right one.
    expect(JSON.parse(untrusted.body).detail).toContain('http://internal:3000/sms')
    expect(JSON.parse(untrusted.body).detail).toContain('url:')
    const { url: __, ...direct } = signTwilio({
      url: 'http://internal:3000/sms',
      params: PARAMS,
      authToken: AUTH_TOKEN,
    })
    expect((await setup().receiver.handle(at('/sms', direct, { host: 'internal:3000' }))).status).toBe(200)
  })

  it('sends a handler’s TwiML back as text/xml, and an empty Response when no handler ran', async () => {
    const receiver = createReceiver({
      provider: twilio({ authToken: AUTH_TOKEN, url: URL }),
      logger: silentLogger(),
    })
    const { url: _, ...sms } = signTwilio({
      url: URL,
      params: { MessageSid: 'SM9', From: '+1', Body: 'help' },
      authToken: AUTH_TOKEN,
    })
    const empty = await receiver.handle(at('/x', sms))
    expect(empty.headers['content-type']).toBe('text/xml')
    expect(empty.body).toContain('<Response></Response>')
    receiver.on(
      'message.received',
      (event) => `<Response><Message>Re: ${event.payload.Body}</Message></Response>`,
    )
    const { url: __, ...next } = signTwilio({
      url: URL,
      params: { MessageSid: 'SM10', From: '+1', Body: 'help' },
      authToken: AUTH_TOKEN,
    })
    const answered = await receiver.handle(at('/x', next))
    expect(answered.headers['content-type']).toBe('text/xml')
    expect(answered.body).toBe('<Response><Message>Re: help</Message></Response>')
  })

  it('deduplicates on I-Twilio-Idempotency-Token', async () => {
    const { receiver, runs } = setup({ url: URL })
    const { url: _, ...delivery } = signTwilio({
      url: URL,
      params: PARAMS,
      authToken: AUTH_TOKEN,
      idempotencyToken: 'tok-1',
    })
    await receiver.handle(at('/x', delivery))
    await receiver.handle(at('/x', delivery))
    expect(runs).toHaveLength(1)
  })
})
