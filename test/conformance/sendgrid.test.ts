import { EventWebhook } from '@sendgrid/eventwebhook'
import { describe, expect, it } from 'vitest'
import { createReceiver } from '../../src/index.js'
import { sendgrid } from '../../src/providers/sendgrid.js'
import { generateSendGridKeyPair, signSendGrid } from '../../src/testing/index.js'
import { silentLogger } from '../support/helpers.js'

// sendgrid/sendgrid-nodejs, packages/eventwebhook/src/eventwebhook.spec.js: key, signature, timestamp and payload.
const VECTOR = {
  publicKey:
    'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE83T4O/n84iotIvIW4mdBgQ/7dAfSmpqIM8kF9mN1flpVKS3GRqe62gw+2fNNRaINXvVpiglSI8eNEc6wEA3F+g==',
  signature:
    'MEUCIGHQVtGj+Y3LkG9fLcxf3qfI10QysgDWmMOVmxG0u6ZUAiEAyBiXDWzM+uOe5W0JuG+luQAbPIqHh89M15TluLtEZtM=',
  timestamp: '1600112502',
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
const NOW = 1_700_000_000
const item = (id: string, event = 'delivered') => ({
  email: 'a@example.com',
  timestamp: NOW,
  event,
  sg_event_id: id,
})

function setup(publicKey: string, nowSeconds = NOW) {
  const receiver = createReceiver({
    provider: sendgrid({ publicKey }),
    now: () => nowSeconds * 1000,
    logger: silentLogger(),
  })
  const runs: string[] = []
  return { receiver, runs }
}

const post = (delivery: { headers: Record<string, string>; body: string }) => ({
  method: 'POST',
  url: '/',
  ...delivery,
})

describe('SendGrid', () => {
  it("accepts sendgrid-nodejs' published vector", async () => {
    const { receiver } = setup(VECTOR.publicKey, Number(VECTOR.timestamp))
    const seen: string[] = []
    receiver.on('dropped', (event) => {
      seen.push(event.payload.email)
    })
    const headers = {
      'x-twilio-email-event-webhook-signature': VECTOR.signature,
      'x-twilio-email-event-webhook-timestamp': VECTOR.timestamp,
    }
    expect((await receiver.handle({ method: 'POST', url: '/', headers, body: VECTOR.payload })).status).toBe(
      200,
    )
    expect(seen).toEqual(['hello@world.com'])
  })

  it("produces deliveries @sendgrid/eventwebhook's verifier accepts", () => {
    const keys = generateSendGridKeyPair()
    const delivery = signSendGrid({ payload: [item('e1')], privateKey: keys.privateKey })
    const sdk = new EventWebhook()
    const verified = sdk.verifySignature(
      sdk.convertPublicKeyToECDSA(keys.publicKey),
      delivery.body,
      delivery.headers['x-twilio-email-event-webhook-signature']!,
      delivery.headers['x-twilio-email-event-webhook-timestamp']!,
    )
    expect(verified).toBe(true)
  })

  it('dispatches every item of a batch as its own event, and skips the handled ones when the batch is retried', async () => {
    const keys = generateSendGridKeyPair()
    const { receiver, runs } = setup(keys.publicKey)
    receiver.onAny((event) => {
      runs.push(`${event.type}:${event.id}`)
    })
    const first = signSendGrid({
      payload: [item('e1', 'processed'), item('e2'), item('e3', 'open')],
      privateKey: keys.privateKey,
      timestamp: NOW,
    })
    expect((await receiver.handle(post(first))).status).toBe(200)
    expect(runs).toEqual(['processed:e1', 'delivered:e2', 'open:e3'])
    const retried = signSendGrid({
      payload: [item('e2'), item('e4', 'click')],
      privateKey: keys.privateKey,
      timestamp: NOW,
    })
    expect((await receiver.handle(post(retried))).status).toBe(200)
    expect(runs.slice(3)).toEqual(['click:e4'])
  })

  it('still dispatches an item without sg_event_id or event to onAny', async () => {
    const keys = generateSendGridKeyPair()
    const { receiver, runs } = setup(keys.publicKey)
    receiver.onAny((event) => {
      runs.push(event.type)
    })
    const delivery = signSendGrid({
      payload: [item('e1'), { email: 'x@example.com' }],
      privateKey: keys.privateKey,
      timestamp: NOW,
    })
    expect((await receiver.handle(post(delivery))).status).toBe(200)
    expect(runs).toEqual(['delivered', ''])
  })

  it('answers 500 when one item fails, and the retry runs only that item', async () => {
    const keys = generateSendGridKeyPair()
    const { receiver, runs } = setup(keys.publicKey)
    let failOnce = true
    receiver.onAny((event) => {
      runs.push(event.id)
      if (event.id === 'e2' && failOnce) {
        failOnce = false
        throw new Error('temporary')
      }
    })
    const batch = signSendGrid({
      payload: [item('e1'), item('e2'), item('e3')],
      privateKey: keys.privateKey,
      timestamp: NOW,
    })
    expect((await receiver.handle(post(batch))).status).toBe(500)
    expect((await receiver.handle(post(batch))).status).toBe(200)
    expect(runs.sort()).toEqual(['e1', 'e2', 'e2', 'e3'])
  })

  it('rejects a body that is not a JSON array with 400', async () => {
    const keys = generateSendGridKeyPair()
    const { receiver } = setup(keys.publicKey)
    const response = await receiver.handle(
      post(signSendGrid({ payload: { event: 'x' }, privateKey: keys.privateKey, timestamp: NOW })),
    )
    expect(response.status).toBe(400)
    expect(JSON.parse(response.body).code).toBe('body_malformed')
  })

  it('accepts a PEM public key and refuses a key that cannot be read at construction', () => {
    const keys = generateSendGridKeyPair()
    const pem = `-----BEGIN PUBLIC KEY-----\n${keys.publicKey.match(/.{1,64}/g)!.join('\n')}\n-----END PUBLIC KEY-----\n`
    expect(() => sendgrid({ publicKey: pem })).not.toThrow()
    expect(() => sendgrid({ publicKey: 'not a key' })).toThrow(/neither PEM nor base64 DER/)
    expect(() => sendgrid({ publicKey: '' })).toThrow(TypeError)
  })
})
