/**
 * SendGrid conformance: our signer against `@sendgrid/eventwebhook`, node-crypto signatures made the SDK's way
 * against our receiver, sendgrid-nodejs' published vectors, and batches: one event per item, each deduplicated.
 */
import { createSign, generateKeyPairSync } from 'node:crypto'
import { EventWebhook } from '@sendgrid/eventwebhook'
import { describe, expect, it } from 'vitest'
import { createReceiver, type WebhookEvent, type WebhookResponse } from '../../src/index.js'
import { sendgrid } from '../../src/providers/sendgrid.js'
import { generateSendGridKeyPair, signSendGrid } from '../../src/testing/index.js'
import { silentLogger } from '../support/helpers.js'

const NOW = 1_700_000_000
const sdk = new EventWebhook()

/**
 * sendgrid/sendgrid-nodejs, packages/eventwebhook/src/eventwebhook.spec.js (shipped in the npm package as
 * node_modules/@sendgrid/eventwebhook/src/eventwebhook.spec.js): "should verify a valid single event signature".
 */
const SINGLE = {
  publicKey:
    'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE83T4O/n84iotIvIW4mdBgQ/7dAfSmpqIM8kF9mN1flpVKS3GRqe62gw+2fNNRaINXvVpiglSI8eNEc6wEA3F+g==',
  signature:
    'MEUCIGHQVtGj+Y3LkG9fLcxf3qfI10QysgDWmMOVmxG0u6ZUAiEAyBiXDWzM+uOe5W0JuG+luQAbPIqHh89M15TluLtEZtM=',
  timestamp: '1600112502',
  // The trailing CRLF is part of what SendGrid signed.
  payload:
    JSON.stringify([
      {
        email: 'hello@world.com',
        event: 'dropped',
        reason: 'Bounced Address',
        sg_event_id: 'ZHJvcC0xMDk5NDkxOS1MUnpYbF9OSFN0T0doUTRrb2ZTbV9BLTA',
        sg_message_id: 'LRzXl_NHStOGhQ4kofSm_A.filterdrecv-p3mdw1-756b745b58-kmzbl-18-5F5FC76C-9.0',
        'smtp-id': '<LRzXl_NHStOGhQ4kofSm_A@ismtpd0039p1iad1.sendgrid.net>',
        timestamp: 1600112492,
      },
    ]) + '\r\n',
}

/** The same spec file: "should verify a valid multi event signature" (CRLF after each event). */
const MULTIPLE = {
  publicKey:
    'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEQ4LIFtWztlsF7skFqOncjD1lun4H5w8XOhyOArHW9RcIx/FfEzx6cikC/yPfUvwaX/JScE7Fc9CJD2afQ9Ok3Q==',
  signature:
    'MEYCIQC/I4o6vCgqRYrTljjoVWB/GRWNtxeePlLMHr3x9ETeRQIhAIpV+03nREPTTHWSW0wIOA0EoMPdcNgXa70yCaqDJlu5',
  timestamp: '1619651159',
  payload:
    JSON.stringify([
      {
        email: 'invalid@gmail.com',
        event: 'processed',
        send_at: 0,
        sg_event_id: 'cHJvY2Vzc2VkLTE5OTQyMTEyLXFOd0JMZ1BRUWpXNkRKdktRd1NBYnctMA',
        sg_message_id: 'qNwBLgPQQjW6DJvKQwSAbw.filterdrecv-canary-547b64655b-cw6zx-1-6089EA4A-56.0',
        'smtp-id': '<qNwBLgPQQjW6DJvKQwSAbw@ismtpd0178p1mdw1.sendgrid.net>',
        timestamp: 1619651146,
      },
      {
        email: 'invalid@gmail.com',
        event: 'bounce',
        ip: '167.89.101.76',
        reason:
          '552 5.2.2 The email account that you tried to reach is over quota and inactive. Please direct the recipient to https://support.google.com/mail/?p=OverQuotaPerm c17si1130468pgv.34 - gsmtp',
        sg_event_id: 'Ym91bmNlLTAtMTk5NDIxMTItcU53QkxnUFFRalc2REp2S1F3U0Fidy0w',
        sg_message_id: 'qNwBLgPQQjW6DJvKQwSAbw.filterdrecv-canary-547b64655b-cw6zx-1-6089EA4A-56.0',
        'smtp-id': '<qNwBLgPQQjW6DJvKQwSAbw@ismtpd0178p1mdw1.sendgrid.net>',
        status: '5.2.2',
        timestamp: 1619651147,
        tls: 1,
        type: 'blocked',
      },
    ])
      .split('},{')
      .join('},\r\n{') + '\r\n',
}

const vectorHeaders = (vector: { signature: string; timestamp: string }) => ({
  'content-type': 'application/json',
  'x-twilio-email-event-webhook-signature': vector.signature,
  'x-twilio-email-event-webhook-timestamp': vector.timestamp,
})

function setup(publicKey: string | string[], nowSeconds = NOW) {
  const receiver = createReceiver({
    provider: sendgrid({ publicKey }),
    now: () => nowSeconds * 1000,
    logger: silentLogger(),
  })
  receiver.onError(() => {})
  const seen: WebhookEvent[] = []
  receiver.onAny((event) => {
    seen.push(event)
  })
  const post = (delivery: { headers: Record<string, string>; body: string }): Promise<WebhookResponse> =>
    receiver.handle({ method: 'POST', url: '/sendgrid', headers: delivery.headers, body: delivery.body })
  return { receiver, seen, post }
}

const problem = (response: WebhookResponse) => JSON.parse(response.body) as { code: string; status: number }

const item = (id: string | undefined, event = 'delivered') => ({
  email: 'user@example.com',
  timestamp: NOW - 5,
  event,
  ...(id === undefined ? {} : { sg_event_id: id }),
  sg_message_id: 'msg.1',
})

describe('SendGrid and @sendgrid/eventwebhook', () => {
  it("signSendGrid's delivery passes EventWebhook.verifySignature", () => {
    const { publicKey, privateKey } = generateSendGridKeyPair()
    const delivery = signSendGrid({ payload: [item('e1')], privateKey, timestamp: NOW })
    const key = sdk.convertPublicKeyToECDSA(publicKey)
    const signature = delivery.headers['x-twilio-email-event-webhook-signature']!
    const timestamp = delivery.headers['x-twilio-email-event-webhook-timestamp']!
    expect(sdk.verifySignature(key, delivery.body, signature, timestamp)).toBe(true)
    expect(sdk.verifySignature(key, `${delivery.body} `, signature, timestamp)).toBe(false)
  })

  it('accepts a signature made with node crypto over timestamp + body, as the SDK verifies it', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
    const publicKeyText = publicKey.export({ format: 'der', type: 'spki' }).toString('base64')
    const body = JSON.stringify([item('e-node')])
    const timestamp = String(NOW)
    const signature = createSign('sha256')
      .update(timestamp + body)
      .sign(privateKey, 'base64')
    expect(sdk.verifySignature(sdk.convertPublicKeyToECDSA(publicKeyText), body, signature, timestamp)).toBe(
      true,
    )
    const { post, seen } = setup(publicKeyText)
    const response = await post({
      headers: {
        'content-type': 'application/json',
        'x-twilio-email-event-webhook-signature': signature,
        'x-twilio-email-event-webhook-timestamp': timestamp,
      },
      body,
    })
    expect(response.status).toBe(200)
    expect(seen.map((event) => event.id)).toEqual(['e-node'])
  })

  it('accepts the verification key given as PEM', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
    const pem = publicKey.export({ format: 'pem', type: 'spki' }).toString()
    const { post } = setup(pem)
    expect((await post(signSendGrid({ payload: [item('e-pem')], privateKey, timestamp: NOW }))).status).toBe(
      200,
    )
  })
})

describe("sendgrid-nodejs' published vectors", () => {
  it('the single-event vector passes the SDK (transcription check)', () => {
    const key = sdk.convertPublicKeyToECDSA(SINGLE.publicKey)
    expect(sdk.verifySignature(key, SINGLE.payload, SINGLE.signature, SINGLE.timestamp)).toBe(true)
  })

  it('accepts the single-event vector at its own time', async () => {
    const { post, seen } = setup(SINGLE.publicKey, Number(SINGLE.timestamp) + 10)
    const response = await post({ headers: vectorHeaders(SINGLE), body: SINGLE.payload })
    expect(response.status).toBe(200)
    expect(seen.map((event) => [event.type, event.id, event.timestamp])).toEqual([
      ['dropped', 'ZHJvcC0xMDk5NDkxOS1MUnpYbF9OSFN0T0doUTRrb2ZTbV9BLTA', 1600112502],
    ])
  })

  it('the multi-event vector passes the SDK (transcription check)', () => {
    const key = sdk.convertPublicKeyToECDSA(MULTIPLE.publicKey)
    expect(sdk.verifySignature(key, MULTIPLE.payload, MULTIPLE.signature, MULTIPLE.timestamp)).toBe(true)
  })

  it('accepts the multi-event vector and dispatches both of its events', async () => {
    const { post, seen } = setup(MULTIPLE.publicKey, Number(MULTIPLE.timestamp))
    const response = await post({ headers: vectorHeaders(MULTIPLE), body: MULTIPLE.payload })
    expect(response.status).toBe(200)
    expect(seen.map((event) => event.type).sort()).toEqual(['bounce', 'processed'])
  })

  it('refuses the single-event vector without its trailing CRLF: signature_invalid', async () => {
    const { post, seen } = setup(SINGLE.publicKey, Number(SINGLE.timestamp))
    const response = await post({ headers: vectorHeaders(SINGLE), body: SINGLE.payload.trimEnd() })
    expect(response.status).toBe(401)
    expect(problem(response).code).toBe('signature_invalid')
    expect(seen).toHaveLength(0)
  })

  it("refuses the single-event vector under the SDK spec's invalid key", async () => {
    const otherKey =
      'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEqTxd43gyp8IOEto2LdIfjRQrIbsd4SXZkLW6jDutdhXSJCWHw8REntlo7aNDthvj+y7GjUuFDb/R1NGe1OPzpA=='
    const { post } = setup(otherKey, Number(SINGLE.timestamp))
    expect((await post({ headers: vectorHeaders(SINGLE), body: SINGLE.payload })).status).toBe(401)
  })

  it('refuses the single-event vector today: its timestamp is years outside the tolerance', async () => {
    const { post, seen } = setup(SINGLE.publicKey, NOW)
    const response = await post({ headers: vectorHeaders(SINGLE), body: SINGLE.payload })
    expect(response.status).toBe(401)
    expect(problem(response).code).toBe('timestamp_out_of_tolerance')
    expect(seen).toHaveLength(0)
  })
})

describe('SendGrid batches', () => {
  const keys = generateSendGridKeyPair()
  const sign = (payload: unknown) => signSendGrid({ payload, privateKey: keys.privateKey, timestamp: NOW })

  it('dispatches a batch of 3 items as 3 events, each with its own sg_event_id', async () => {
    const { receiver, post } = setup(keys.publicKey)
    const delivered: string[] = []
    receiver.on('delivered', (event) => {
      delivered.push(event.id)
    })
    const response = await post(sign([item('e1'), item('e2'), item('e3')]))
    expect(response.status).toBe(200)
    expect(delivered.sort()).toEqual(['e1', 'e2', 'e3'])
  })

  it('gives each event its own item as payload and the signed timestamp', async () => {
    const { post, seen } = setup(keys.publicKey)
    await post(sign([item('e1', 'open'), item('e2', 'bounce')]))
    const byId = Object.fromEntries(seen.map((event) => [event.id, event]))
    expect(byId.e1).toMatchObject({
      type: 'open',
      payload: { sg_event_id: 'e1', event: 'open' },
      timestamp: NOW,
    })
    expect(byId.e2).toMatchObject({ type: 'bounce', payload: { sg_event_id: 'e2', event: 'bounce' } })
  })

  it('runs only the new items of a retried batch whose other items were handled', async () => {
    const { post, seen } = setup(keys.publicKey)
    await post(sign([item('e1')]))
    const response = await post(sign([item('e1'), item('e2'), item('e3')]))
    expect(response.status).toBe(200)
    expect(seen.map((event) => event.id).sort()).toEqual(['e1', 'e2', 'e3'])
  })

  it('answers a batch whose every item was already handled 200 duplicate, running nothing', async () => {
    const { post, seen } = setup(keys.publicKey)
    await post(sign([item('e1'), item('e2')]))
    const again = await post(sign([item('e1'), item('e2')]))
    expect(again.status).toBe(200)
    expect(JSON.parse(again.body)).toEqual({ received: true, duplicate: true })
    expect(seen).toHaveLength(2)
  })

  it('runs an item listed twice in one batch once, answering 200 (not 409 for the second copy)', async () => {
    const { post, seen } = setup(keys.publicKey)
    const response = await post(sign([item('e1'), item('e2'), item('e1')]))
    expect(response.status).toBe(200)
    expect(seen.map((event) => event.id).sort()).toEqual(['e1', 'e2'])
  })

  it('still dispatches an item without sg_event_id to onAny, under a content id', async () => {
    const { post, seen } = setup(keys.publicKey)
    await post(sign([item('e1'), item(undefined)]))
    const anonymous = seen.find((event) => event.id !== 'e1')
    expect(anonymous).toBeDefined()
    expect(anonymous?.id).toMatch(/^sha256:[0-9a-f]{64}$/)
    expect(anonymous?.payload).toMatchObject({ event: 'delivered', email: 'user@example.com' })
  })

  it('gives two id-less items in one batch different ids, so neither is dropped as a duplicate', async () => {
    const { post, seen } = setup(keys.publicKey)
    await post(sign([item(undefined, 'open'), item(undefined, 'click')]))
    expect(seen).toHaveLength(2)
    expect(new Set(seen.map((event) => event.id)).size).toBe(2)
  })

  it('does not drop the other items for one item that is not an object', async () => {
    const { receiver, post, seen } = setup(keys.publicKey)
    const delivered: string[] = []
    receiver.on('delivered', (event) => {
      delivered.push(event.id)
    })
    const response = await post(sign([item('e1'), 42]))
    expect(response.status).toBe(200)
    expect(delivered).toEqual(['e1'])
    expect(seen.map((event) => event.payload)).toContain(42)
  })

  it('answers 500 handler_failed when one item fails, and the retry runs only that item', async () => {
    const { receiver, post } = setup(keys.publicKey)
    const runs: string[] = []
    let failE2 = true
    receiver.on('delivered', (event) => {
      runs.push(event.id)
      if (event.id === 'e2' && failE2) {
        failE2 = false
        throw new Error('database timeout')
      }
    })
    const batch = sign([item('e1'), item('e2'), item('e3')])
    const first = await post(batch)
    expect(first.status).toBe(500)
    expect(problem(first).code).toBe('handler_failed')
    expect(first.body).not.toContain('database timeout')
    expect(runs.sort()).toEqual(['e1', 'e2', 'e3'])
    runs.length = 0
    const retry = await post(batch)
    expect(retry.status).toBe(200)
    expect(runs).toEqual(['e2'])
  })

  it('answers 400 body_malformed for a verified body that is not a JSON array', async () => {
    const { post, seen } = setup(keys.publicKey)
    const response = await post(sign({ event: 'delivered', sg_event_id: 'e1' }))
    expect(response.status).toBe(400)
    expect(problem(response).code).toBe('body_malformed')
    expect(seen).toHaveLength(0)
  })

  it('answers 400 header_missing when the timestamp header is absent', async () => {
    const { post, seen } = setup(keys.publicKey)
    const { 'x-twilio-email-event-webhook-timestamp': _, ...headers } = sign([item('e1')]).headers
    const response = await post({ headers, body: sign([item('e1')]).body })
    expect(response.status).toBe(400)
    expect(problem(response).code).toBe('header_missing')
    expect(seen).toHaveLength(0)
  })
})
