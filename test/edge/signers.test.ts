/**
 * The signers of `webhook-receiver/testing` in the edge build (dist/edge/testing, Web Crypto, asynchronous): the
 * HMAC ones write byte for byte what the Node signers write, and the public-key ones (SendGrid ECDSA, Standard
 * Webhooks Ed25519) produce deliveries that the official SDK, node:crypto and the edge receiver all accept.
 */
import { createPublicKey, generateKeyPairSync, verify, X509Certificate } from 'node:crypto'
import { crc32 } from 'node:zlib'
import { EventWebhook } from '@sendgrid/eventwebhook'
import { describe, expect, it } from 'vitest'
import * as edge from '../../dist/edge/testing/index.js'
import { createReceiver, type Provider } from '../../src/index.js'
import { paypal } from '../../src/providers/paypal.js'
import { sendgrid } from '../../src/providers/sendgrid.js'
import { standardWebhooks } from '../../src/providers/standard-webhooks.js'
import * as node from '../../src/testing/index.js'
import { silentLogger } from '../support/helpers.js'

const NOW = 1_700_000_000
const payload = { id: 'evt_1', type: 'customer.created', data: { object: { name: 'Zoë' } } }

async function status(provider: Provider<any, any>, delivery: edge.SignedDelivery): Promise<number> {
  const receiver = createReceiver({ provider, now: () => NOW * 1000, logger: silentLogger() })
  return (await receiver.handle({ ...delivery, url: '/hook' })).status
}

describe('edge signers', () => {
  it('return Promises, and write the same HMAC deliveries as the Node signers', async () => {
    const stripe = edge.signStripe({ payload, secret: 'whsec_x', timestamp: NOW })
    expect(stripe).toBeInstanceOf(Promise)
    expect(await stripe).toEqual(node.signStripe({ payload, secret: 'whsec_x', timestamp: NOW }))
    const github = { event: 'issues', payload, secret: 's', deliveryId: 'd1' }
    expect(await edge.signGitHub(github)).toEqual(node.signGitHub(github))
    const shopify = {
      topic: 'orders/create',
      payload,
      secret: 's',
      eventId: 'e',
      webhookId: 'w',
      timestamp: NOW,
    }
    expect(await edge.signShopify(shopify)).toEqual(node.signShopify(shopify))
    const slack = {
      form: { command: '/deploy', text: 'api' },
      signingSecret: 's',
      timestamp: NOW,
      retryNum: 1,
    }
    expect(await edge.signSlack(slack)).toEqual(node.signSlack(slack))
    const standard = {
      payload,
      secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      id: 'msg_1',
      timestamp: NOW,
    }
    expect(await edge.signStandardWebhooks(standard)).toEqual(node.signStandardWebhooks(standard))
    for (const twilio of [
      {
        url: 'https://example.com/sms',
        authToken: 't',
        idempotencyToken: 'i',
        params: { Body: 'hi', To: ['b', 'a'] },
      },
      { url: 'https://example.com/sms?x=1', authToken: 't', idempotencyToken: 'i', json: { type: 'call' } },
    ]) {
      expect(await edge.signTwilio(twilio)).toEqual(node.signTwilio(twilio))
    }
  })

  it('sign SendGrid deliveries that @sendgrid/eventwebhook and the edge receiver accept', async () => {
    const { publicKey, privateKey } = await edge.generateSendGridKeyPair()
    const delivery = await edge.signSendGrid({
      payload: [{ event: 'delivered', sg_event_id: 'e1', email: 'a@b.c', timestamp: NOW }],
      privateKey,
      timestamp: NOW,
    })
    const sdk = new EventWebhook()
    const signature = delivery.headers['x-twilio-email-event-webhook-signature']!
    expect(
      sdk.verifySignature(sdk.convertPublicKeyToECDSA(publicKey), delivery.body, signature, String(NOW)),
    ).toBe(true)
    expect(await status(sendgrid({ publicKey }), delivery)).toBe(200)
  })

  it('sign SendGrid deliveries with a PKCS#8 PEM private key', async () => {
    const keys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
    const pem = keys.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()
    const publicKey = keys.publicKey.export({ format: 'der', type: 'spki' }).toString('base64')
    const delivery = await edge.signSendGrid({ payload: [], privateKey: pem, timestamp: NOW })
    expect(await status(sendgrid({ publicKey }), delivery)).toBe(200)
  })

  it('sign Standard Webhooks v1a (Ed25519) deliveries that node:crypto and the edge receiver accept', async () => {
    const { publicKey, privateKey } = await edge.generateStandardWebhooksKeyPair()
    expect(publicKey).toMatch(/^whpk_[A-Za-z0-9+/]{43}=$/)
    expect(privateKey).toMatch(/^whsk_[A-Za-z0-9+/]{43}=$/)
    const delivery = await edge.signStandardWebhooks({ payload, privateKey, id: 'msg_ed', timestamp: NOW })
    const spki = Buffer.concat([
      Buffer.from('302a300506032b6570032100', 'hex'),
      Buffer.from(publicKey.slice(5), 'base64'),
    ])
    const signature = Buffer.from(delivery.headers['webhook-signature']!.slice('v1a,'.length), 'base64')
    const key = createPublicKey({ key: spki, format: 'der', type: 'spki' })
    expect(verify(null, Buffer.from(`msg_ed.${NOW}.${delivery.body}`), key, signature)).toBe(true)
    expect(await status(standardWebhooks({ publicKey }), delivery)).toBe(200)
  })

  it('write the same Meta, Mailgun and Adyen deliveries as the Node signers', async () => {
    const meta = { payload: { object: 'page', entry: [] }, appSecret: 'app-secret' }
    expect(await edge.signMeta(meta)).toEqual(node.signMeta(meta))
    const mailgun = {
      payload: { id: 'e1', event: 'delivered' },
      signingKey: 'k',
      timestamp: NOW,
      token: 't'.repeat(50),
    }
    expect(await edge.signMailgun(mailgun)).toEqual(node.signMailgun(mailgun))
    const item = {
      pspReference: 'psp',
      eventCode: 'AUTHORISATION',
      success: 'true',
      merchantAccountCode: 'Shop',
      merchantReference: 'r',
      amount: { value: 1, currency: 'EUR' },
    }
    const adyen = { payload: [item, { ...item, pspReference: 'psp2' }], hmacKey: 'AB'.repeat(32) }
    expect(await edge.signAdyen(adyen)).toEqual(node.signAdyen(adyen))
  })

  it('make a PayPal certificate with Web Crypto that node:crypto reads, and sign deliveries the edge receiver accepts', async () => {
    const { privateKey, certificate } = await edge.generatePayPalCertificate()
    const x509 = new X509Certificate(certificate)
    expect(x509.verify(x509.publicKey)).toBe(true)
    const certUrl = 'https://api.paypal.com/v1/notifications/certs/CERT-edge'
    const delivery = await edge.signPayPal({
      payload: { id: 'WH-edge', event_type: 'PAYMENT.CAPTURE.COMPLETED' },
      webhookId: 'EDGEWEBHOOK000001',
      privateKey,
      certUrl,
      transmissionId: 'tx-edge',
      timestamp: NOW,
    })
    const signed = `tx-edge|${delivery.headers['paypal-transmission-time']}|EDGEWEBHOOK000001|${crc32(delivery.body)}`
    const signature = Buffer.from(delivery.headers['paypal-transmission-sig']!, 'base64')
    expect(verify('sha256', Buffer.from(signed), x509.publicKey, signature)).toBe(true)
    const provider = paypal({
      webhookId: 'EDGEWEBHOOK000001',
      fetch: edge.payPalCertificateFetch({ [certUrl]: certificate }),
    })
    expect(await status(provider, delivery)).toBe(200)
  })
})
