import {
  base64Decode,
  base64Encode,
  chain,
  generateKeyPair,
  importPrivateKey,
  randomUUID,
  sign,
  utf8Encode,
} from '#crypto'
import { withDerPrefix } from '../crypto/public-key.js'
import {
  hmacText,
  nowSeconds,
  serialise,
  type Signed,
  type SignedDelivery,
  type SignOptions,
} from './delivery.js'

/** PKCS#8 DER prefix of an Ed25519 private key; the 32 seed bytes follow it (RFC 8410). */
const ED25519_PKCS8_PREFIX = '302e020100300506032b657004220420'

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
): Signed<SignedDelivery> {
  const body = serialise(options.payload)
  const id = options.id ?? `msg_${randomUUID().replaceAll('-', '')}`
  const timestamp = options.timestamp ?? nowSeconds()
  const content = `${id}.${timestamp}.${body}`
  const signature =
    options.secret !== undefined
      ? chain(
          hmacText('sha256', base64Decode(options.secret.replace(/^whsec_/, '')), content, 'base64'),
          (digest) => `v1,${digest}`,
        )
      : chain(importPrivateKey('ed25519', ed25519Pkcs8(options.privateKey)), (key) =>
          chain(sign(key, utf8Encode(content)), (bytes) => `v1a,${base64Encode(bytes)}`),
        )
  return chain(signature, (value): SignedDelivery => ({
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': value,
    },
    body,
  }))
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
export function generateStandardWebhooksKeyPair(): Signed<{ publicKey: string; privateKey: string }> {
  // The raw key and the seed are the last 32 bytes of their DER forms (RFC 8410).
  return chain(generateKeyPair('ed25519'), ({ spki, pkcs8 }) => ({
    publicKey: `whpk_${base64Encode(spki.subarray(-32))}`,
    privateKey: `whsk_${base64Encode(pkcs8.subarray(-32))}`,
  }))
}

function ed25519Pkcs8(text: string): Uint8Array {
  return withDerPrefix(ED25519_PKCS8_PREFIX, base64Decode(text.replace(/^whsk_/, '')))
}
