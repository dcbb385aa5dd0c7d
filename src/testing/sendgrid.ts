import {
  base64Encode,
  chain,
  generateKeyPair,
  importPrivateKey,
  sign,
  utf8Encode,
  type PrivateKey,
} from '#crypto'
import { p1363ToDer } from '../crypto/ecdsa-signature.js'
import { readDer } from '../crypto/public-key.js'
import { nowSeconds, serialise, type Signed, type SignedDelivery, type SignOptions } from './delivery.js'

/**
 * A SendGrid Event Webhook delivery: a JSON array of events, signed with ECDSA P-256/SHA-256 over
 * `<timestamp><body>` (DER, base64) in `X-Twilio-Email-Event-Webhook-Signature`. `privateKey` is the key from
 * `generateSendGridKeyPair`, or a PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`).
 *
 * @example
 * ```ts
 * const { publicKey, privateKey } = generateSendGridKeyPair()
 * const delivery = signSendGrid({ payload: [{ event: 'delivered', sg_event_id: 'e1', email: 'a@b.c', timestamp: 1 }], privateKey })
 * ```
 */
export function signSendGrid(
  options: SignOptions & { privateKey: PrivateKey | string },
): Signed<SignedDelivery> {
  const body = serialise(options.payload)
  const timestamp = String(options.timestamp ?? nowSeconds())
  const key = typeof options.privateKey === 'string' ? readPrivateKey(options.privateKey) : options.privateKey
  return chain(key, (privateKey) =>
    chain(sign(privateKey, utf8Encode(timestamp + body)), (signature): SignedDelivery => ({
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        // Web Crypto and node:crypto both sign as r‖s here; SendGrid sends DER.
        'x-twilio-email-event-webhook-signature': base64Encode(p1363ToDer(signature)),
        'x-twilio-email-event-webhook-timestamp': timestamp,
      },
      body,
    })),
  )
}

/**
 * A fresh P-256 key pair: `publicKey` in the form SendGrid shows (base64 DER), `privateKey` for `signSendGrid`.
 *
 * @example
 * ```ts
 * const { publicKey, privateKey } = generateSendGridKeyPair()
 * ```
 */
export function generateSendGridKeyPair(): Signed<{ publicKey: string; privateKey: PrivateKey }> {
  return chain(generateKeyPair('ecdsa-p256'), ({ privateKey, spki }) => ({
    publicKey: base64Encode(spki),
    privateKey,
  }))
}

function readPrivateKey(pem: string) {
  const pkcs8 = readDer(pem, 'PRIVATE KEY')
  if (pkcs8 === undefined) {
    throw new TypeError(
      'signSendGrid({ privateKey }): pass the key from generateSendGridKeyPair(), or a PKCS#8 PEM (-----BEGIN PRIVATE KEY-----).',
    )
  }
  return importPrivateKey('ecdsa-p256', pkcs8)
}
