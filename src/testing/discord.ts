import { chain, hexDecode, hexEncode, sign, utf8Encode } from '#crypto'
import {
  ed25519PrivateKey,
  ed25519RawKeyPair,
  nowSeconds,
  serialise,
  type Signed,
  type SignedDelivery,
  type SignOptions,
} from './delivery.js'

/**
 * A Discord interaction or webhook event delivery: `X-Signature-Ed25519` (hex Ed25519 signature of
 * `<timestamp><body>`) and `X-Signature-Timestamp`. `privateKey` is the hex seed from `generateDiscordKeyPair`.
 *
 * @example
 * ```ts
 * const { publicKey, privateKey } = generateDiscordKeyPair()
 * const delivery = signDiscord({ payload: { id: '1', application_id: '2', type: 2, token: 't', version: 1 }, privateKey })
 * ```
 */
export function signDiscord(options: SignOptions & { privateKey: string }): Signed<SignedDelivery> {
  const body = serialise(options.payload)
  const timestamp = String(options.timestamp ?? nowSeconds())
  return chain(ed25519PrivateKey(hexDecode(options.privateKey)), (key) =>
    chain(sign(key, utf8Encode(timestamp + body)), (signature): SignedDelivery => ({
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-signature-ed25519': hexEncode(signature),
        'x-signature-timestamp': timestamp,
      },
      body,
    })),
  )
}

/**
 * A fresh Ed25519 key pair in Discord's forms: `publicKey` as the Developer Portal shows it (64 hex characters), for
 * `discord({ publicKey })`, and `privateKey` (the hex seed) for `signDiscord`.
 *
 * @example
 * ```ts
 * const { publicKey, privateKey } = generateDiscordKeyPair()
 * ```
 */
export function generateDiscordKeyPair(): Signed<{ publicKey: string; privateKey: string }> {
  return chain(ed25519RawKeyPair(), ({ publicKey, seed }) => ({
    publicKey: hexEncode(publicKey),
    privateKey: hexEncode(seed),
  }))
}
