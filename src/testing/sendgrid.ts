import { createPrivateKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto'
import { nowSeconds, serialise, type SignedDelivery, type SignOptions } from './delivery.js'

/**
 * A SendGrid Event Webhook delivery: a JSON array of events, signed with ECDSA P-256/SHA-256 over
 * `<timestamp><body>` (DER, base64) in `X-Twilio-Email-Event-Webhook-Signature`.
 *
 * @example
 * ```ts
 * const { publicKey, privateKey } = generateSendGridKeyPair()
 * const delivery = signSendGrid({ payload: [{ event: 'delivered', sg_event_id: 'e1', email: 'a@b.c', timestamp: 1 }], privateKey })
 * ```
 */
export function signSendGrid(options: SignOptions & { privateKey: KeyObject | string }): SignedDelivery {
  const body = serialise(options.payload)
  const timestamp = String(options.timestamp ?? nowSeconds())
  const key =
    typeof options.privateKey === 'string' ? createPrivateKey(options.privateKey) : options.privateKey
  const signature = sign('sha256', Buffer.from(timestamp + body), { key, dsaEncoding: 'der' }).toString(
    'base64',
  )
  return {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-twilio-email-event-webhook-signature': signature,
      'x-twilio-email-event-webhook-timestamp': timestamp,
    },
    body,
  }
}

/**
 * A fresh P-256 key pair: `publicKey` in the form SendGrid shows (base64 DER), `privateKey` for `signSendGrid`.
 *
 * @example
 * ```ts
 * const { publicKey, privateKey } = generateSendGridKeyPair()
 * ```
 */
export function generateSendGridKeyPair(): { publicKey: string; privateKey: KeyObject } {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
  return { publicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'), privateKey }
}
