import {
  base64Encode,
  chain,
  generateKeyPair,
  hexEncode,
  hmac,
  importHmacKey,
  importPrivateKey,
  utf8Encode,
  type CryptoResult,
  type HmacAlgorithm,
  type PrivateKey,
} from '#crypto'
import { withDerPrefix } from '../crypto/public-key.js'

/**
 * What a signer returns: the delivery itself on Node (node:crypto signs synchronously), a Promise of it on edge
 * runtimes (Web Crypto only signs asynchronously). `await` works on both.
 */
export type Signed<T> = CryptoResult<T>

/** A delivery as the sender would POST it: what every signer returns. */
export interface SignedDelivery {
  method: 'POST'
  headers: Record<string, string>
  body: string
}

/** What every signer takes; each adds its provider's own fields. */
export interface SignOptions {
  /** The event; objects are serialised with `JSON.stringify`, strings are sent as they are. */
  payload: unknown
  /** Signing time in seconds since the epoch. Default: now. */
  timestamp?: number
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000)
export const serialise = (payload: unknown): string =>
  typeof payload === 'string' ? payload : JSON.stringify(payload)

/**
 * The HMAC of `content` under `secret` (text as UTF-8, or bytes), written in `encoding`: what most senders put in
 * their signature header.
 */
export function hmacText(
  algorithm: HmacAlgorithm,
  secret: string | Uint8Array,
  content: string,
  encoding: 'hex' | 'base64',
): Signed<string> {
  const key = importHmacKey(algorithm, typeof secret === 'string' ? utf8Encode(secret) : secret)
  return chain(hmac(key, [content]), (digest) =>
    encoding === 'hex' ? hexEncode(digest) : base64Encode(digest),
  )
}

/** PKCS#8 DER prefix of an Ed25519 private key; the 32 seed bytes follow it (RFC 8410). */
const ED25519_PKCS8_PREFIX = '302e020100300506032b657004220420'

/** An Ed25519 private key from its 32-byte seed, the form Ed25519 senders' keys are written in. */
export function ed25519PrivateKey(seed: Uint8Array): Signed<PrivateKey> {
  return importPrivateKey('ed25519', withDerPrefix(ED25519_PKCS8_PREFIX, seed))
}

/** A fresh Ed25519 key pair as raw bytes: the 32-byte public key and the 32-byte seed (RFC 8410: their DER tails). */
export function ed25519RawKeyPair(): Signed<{ publicKey: Uint8Array; seed: Uint8Array }> {
  return chain(generateKeyPair('ed25519'), ({ spki, pkcs8 }) => ({
    publicKey: spki.subarray(-32),
    seed: pkcs8.subarray(-32),
  }))
}

/**
 * Turns a signed delivery into a Web `Request`, ready for `fetchHandler` or a Next.js route handler.
 *
 * @example
 * ```ts
 * const response = await fetchHandler(receiver)(toRequest('http://localhost/webhooks', signStripe({ payload, secret })))
 * ```
 */
export function toRequest(url: string, delivery: SignedDelivery): Request {
  return new Request(url, { method: delivery.method, headers: delivery.headers, body: delivery.body })
}
