import { base64Decode, base64Encode, chain, randomUUID, sign, utf8Encode } from '#crypto'
import {
  ed25519PrivateKey,
  ed25519RawKeyPair,
  hmacText,
  nowSeconds,
  serialise,
  type Signed,
  type SignedDelivery,
  type SignOptions,
} from './delivery.js'

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
      : chain(ed25519PrivateKey(base64Decode(options.privateKey.replace(/^whsk_/, ''))), (key) =>
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
  return chain(ed25519RawKeyPair(), ({ publicKey, seed }) => ({
    publicKey: `whpk_${base64Encode(publicKey)}`,
    privateKey: `whsk_${base64Encode(seed)}`,
  }))
}
