import { createHmac, createPrivateKey, generateKeyPairSync, randomUUID, sign } from 'node:crypto'
import { nowSeconds, serialise, type SignedDelivery, type SignOptions } from './delivery.js'

/** PKCS#8 DER prefix of an Ed25519 private key; the 32 seed bytes follow it (RFC 8410). */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex')

/**
 * A Standard Webhooks delivery (Svix, Clerk, Resend…): `webhook-id`, `webhook-timestamp` and `webhook-signature`.
 * With `secret` (`whsec_…`) the signature is `v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`; with
 * `privateKey` (`whsk_…`, see `generateStandardWebhooksKeyPair`) it is `v1a,<base64 Ed25519 signature>`.
 *
 * @example
 * ```ts
 * const delivery = signStandardWebhooks({ payload: { type: 'user.created', data: {} }, secret: 'whsec_…' })
 * ```
 */
export function signStandardWebhooks(
  options: SignOptions & { id?: string } & (
      { secret: string; privateKey?: undefined } | { privateKey: string; secret?: undefined }
    ),
): SignedDelivery {
  const body = serialise(options.payload)
  const id = options.id ?? `msg_${randomUUID().replaceAll('-', '')}`
  const timestamp = options.timestamp ?? nowSeconds()
  const content = `${id}.${timestamp}.${body}`
  const signature =
    options.secret !== undefined
      ? `v1,${createHmac('sha256', Buffer.from(options.secret.replace(/^whsec_/, ''), 'base64'))
          .update(content)
          .digest('base64')}`
      : `v1a,${sign(null, Buffer.from(content), ed25519PrivateKey(options.privateKey)).toString('base64')}`
  return {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signature,
    },
    body,
  }
}

/**
 * A fresh Ed25519 key pair in the Standard Webhooks text forms: `whpk_<base64 public key>` for the receiver and
 * `whsk_<base64 seed>` for `signStandardWebhooks`.
 *
 * @example
 * ```ts
 * const { publicKey, privateKey } = generateStandardWebhooksKeyPair()
 * const receiver = createReceiver({ provider: standardWebhooks({ publicKey }) })
 * ```
 */
export function generateStandardWebhooksKeyPair(): { publicKey: string; privateKey: string } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519')
  const rawPublic = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32)
  const seed = privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(-32)
  return { publicKey: `whpk_${rawPublic.toString('base64')}`, privateKey: `whsk_${seed.toString('base64')}` }
}

function ed25519PrivateKey(text: string) {
  const seed = Buffer.from(text.replace(/^whsk_/, ''), 'base64')
  return createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' })
}
