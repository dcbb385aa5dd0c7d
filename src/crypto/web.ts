// `#crypto` on edge runtimes (Next.js edge, Vercel, Cloudflare Workers, Deno, browsers): Web Crypto, TextEncoder,
// TextDecoder and atob/btoa only; no Buffer, no `node:` module. Web Crypto answers with Promises, so every result
// here is one. Keys are imported when a provider is created and awaited on first use; an import that fails (a key
// the runtime rejects) rejects the deliveries that use it, which the receiver answers 500 and logs once.
import type { HmacAlgorithm, Part, PublicKeyAlgorithm } from './runtime.js'

export type { HmacAlgorithm, Part, PublicKeyAlgorithm } from './runtime.js'

/** Web Crypto answers with Promises. */
export type CryptoResult<T> = Promise<T>
export type HmacKey = Promise<CryptoKey>
export type PublicKey = Promise<CryptoKey>
export type PrivateKey = CryptoKey

const HASH: Record<HmacAlgorithm, string> = { sha1: 'SHA-1', sha256: 'SHA-256', sha512: 'SHA-512' }
const PUBLIC_KEY_PARAMS: Record<PublicKeyAlgorithm, EcKeyImportParams | Algorithm> = {
  'ecdsa-p256': { name: 'ECDSA', namedCurve: 'P-256' },
  ed25519: { name: 'Ed25519' },
}
const ECDSA_SHA256: EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' }
const encoder = new TextEncoder()
// ignoreBOM keeps a leading BOM in the text, as Buffer does, so both builds parse (and refuse) the same bodies.
const decoder = new TextDecoder('utf-8', { ignoreBOM: true })

/**
 * Web Crypto takes `BufferSource`, which TypeScript narrows to views over a plain ArrayBuffer; request bodies and
 * encoder output always are, so the cast states a fact rather than converting anything.
 */
function source(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes as Uint8Array<ArrayBuffer>
}

/** Web Crypto signs one buffer: the parts are joined once (a single part is used as it is). */
function join(parts: readonly Part[]): Uint8Array<ArrayBuffer> {
  const [only] = parts
  return source(parts.length === 1 && only instanceof Uint8Array ? only : concatBytes(parts))
}

/** A key import starts at once; this keeps its failure from being an unhandled rejection before first use. */
function eager(key: Promise<CryptoKey>): Promise<CryptoKey> {
  key.catch(() => undefined)
  return key
}

/**
 * Calls `next` once the value settles: Web Crypto results are Promises.
 *
 * @example
 * ```ts
 * chain(hmac(key, [body]), (digest) => digest.length) // Promise of 32
 * ```
 */
export function chain<T, R>(value: T | Promise<T>, next: (value: T) => R | Promise<R>): Promise<R> {
  return Promise.resolve(value).then(next)
}

/**
 * A Promise of every value, in order.
 *
 * @example
 * ```ts
 * all([sha256(['a']), sha256(['b'])]) // Promise of two digests
 * ```
 */
export function all<T>(values: readonly (T | Promise<T>)[]): Promise<T[]> {
  return Promise.all(values)
}

/**
 * UTF-8 bytes of `text`, by TextEncoder.
 *
 * @example
 * ```ts
 * utf8Encode('é') // Uint8Array [0xc3, 0xa9]
 * ```
 */
export function utf8Encode(text: string): Uint8Array {
  return encoder.encode(text)
}

/**
 * Decodes UTF-8 by TextDecoder, without copying the bytes.
 *
 * @example
 * ```ts
 * utf8Decode(rawBody) // '{"id":"evt_1"}'
 * ```
 */
export function utf8Decode(bytes: Uint8Array): string {
  return decoder.decode(bytes)
}

/**
 * Standard base64, with padding, by btoa.
 *
 * @example
 * ```ts
 * base64Encode(new Uint8Array([1, 2])) // 'AQI='
 * ```
 */
export function base64Encode(bytes: Uint8Array): string {
  let binary = ''
  // In slices: String.fromCharCode takes its bytes as arguments, and engines cap the argument count.
  for (let offset = 0; offset < bytes.byteLength; offset += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(offset, offset + 0x8000))
  }
  return btoa(binary)
}

/**
 * Decodes base64 the caller validated, by atob.
 *
 * @example
 * ```ts
 * base64Decode('AQI=') // Uint8Array [1, 2]
 * ```
 */
export function base64Decode(text: string): Uint8Array {
  const binary = atob(text)
  const bytes = new Uint8Array(binary.length)
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index)
  return bytes
}

const HEX_DIGITS = '0123456789abcdef'

/**
 * Lower-case hex.
 *
 * @example
 * ```ts
 * hexEncode(new Uint8Array([255])) // 'ff'
 * ```
 */
export function hexEncode(bytes: Uint8Array): string {
  let hex = ''
  for (const byte of bytes) hex += HEX_DIGITS[byte >> 4]! + HEX_DIGITS[byte & 15]!
  return hex
}

/**
 * Decodes hex the caller validated.
 *
 * @example
 * ```ts
 * hexDecode('ff') // Uint8Array [255]
 * ```
 */
export function hexDecode(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length >> 1)
  for (let index = 0; index < bytes.length; index++) {
    bytes[index] = Number.parseInt(text.slice(index * 2, index * 2 + 2), 16)
  }
  return bytes
}

/**
 * The parts joined into one buffer, as Web Crypto signs one.
 *
 * @example
 * ```ts
 * concatBytes([timestampText, rawBody])
 * ```
 */
export function concatBytes(parts: readonly Part[]): Uint8Array {
  const bytes = parts.map((part) => (typeof part === 'string' ? encoder.encode(part) : part))
  const joined = new Uint8Array(bytes.reduce((size, part) => size + part.byteLength, 0))
  let offset = 0
  for (const part of bytes) {
    joined.set(part, offset)
    offset += part.byteLength
  }
  return joined
}

/**
 * Starts importing the key at once; the Promise is awaited on first use.
 *
 * @example
 * ```ts
 * const key = importHmacKey('sha256', utf8Encode('whsec_…')) // a Promise of the CryptoKey
 * ```
 */
export function importHmacKey(algorithm: HmacAlgorithm, secret: Uint8Array): HmacKey {
  return eager(
    crypto.subtle.importKey('raw', source(secret), { name: 'HMAC', hash: HASH[algorithm] }, false, ['sign']),
  )
}

/**
 * HMAC by `crypto.subtle.sign`, over the parts joined once.
 *
 * @example
 * ```ts
 * await hmac(key, [`${timestamp}.`, rawBody])
 * ```
 */
export function hmac(key: HmacKey, parts: readonly Part[]): Promise<Uint8Array> {
  return key.then(
    async (cryptoKey) => new Uint8Array(await crypto.subtle.sign('HMAC', cryptoKey, join(parts))),
  )
}

/**
 * SHA-256 by `crypto.subtle.digest`.
 *
 * @example
 * ```ts
 * await sha256([rawBody]) // 32 bytes
 * ```
 */
export async function sha256(parts: readonly Part[]): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', join(parts)))
}

/**
 * Constant-time equality without node:crypto: every byte is visited and the differences are OR-ed together, with
 * no early exit, so the time depends only on the (public) length.
 *
 * @example
 * ```ts
 * timingSafeEqual(expected, candidate)
 * ```
 */
export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false
  let difference = 0
  for (let index = 0; index < a.byteLength; index++) difference |= a[index]! ^ b[index]!
  return difference === 0
}

/**
 * Starts importing a DER SPKI key at once; the Promise is awaited on first use.
 *
 * @example
 * ```ts
 * importPublicKey('ed25519', spki) // a Promise of the CryptoKey
 * ```
 */
export function importPublicKey(algorithm: PublicKeyAlgorithm, spki: Uint8Array): PublicKey {
  return eager(crypto.subtle.importKey('spki', source(spki), PUBLIC_KEY_PARAMS[algorithm], false, ['verify']))
}

/**
 * Verifies Ed25519, or ECDSA/SHA-256 over r‖s; false for a malformed signature. Rejects only when the key could not be imported.
 *
 * @example
 * ```ts
 * await verifySignature(key, signedBytes, rawSignature) // true or false; rejects only if the key does
 * ```
 */
export function verifySignature(key: PublicKey, data: Uint8Array, signature: Uint8Array): Promise<boolean> {
  return key.then((cryptoKey) =>
    crypto.subtle
      .verify(params(cryptoKey), cryptoKey, source(signature), source(data))
      // A signature of the wrong length or form is not valid; the runtime may throw for it rather than say so.
      .catch(() => false),
  )
}

/**
 * A private key from DER PKCS#8.
 *
 * @example
 * ```ts
 * await importPrivateKey('ecdsa-p256', pkcs8)
 * ```
 */
export function importPrivateKey(algorithm: PublicKeyAlgorithm, pkcs8: Uint8Array): Promise<PrivateKey> {
  return crypto.subtle.importKey('pkcs8', source(pkcs8), PUBLIC_KEY_PARAMS[algorithm], true, ['sign'])
}

/**
 * Signs with Ed25519, or ECDSA/SHA-256 as r‖s.
 *
 * @example
 * ```ts
 * await sign(privateKey, utf8Encode(content)) // Ed25519, or ECDSA as r‖s
 * ```
 */
export async function sign(key: PrivateKey, data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.sign(params(key), key, source(data)))
}

/**
 * A fresh, extractable key pair, exported as DER too.
 *
 * @example
 * ```ts
 * await generateKeyPair('ed25519') // { privateKey, spki, pkcs8 }
 * ```
 */
export async function generateKeyPair(
  algorithm: PublicKeyAlgorithm,
): Promise<{ privateKey: PrivateKey; spki: Uint8Array; pkcs8: Uint8Array }> {
  const pair = (await crypto.subtle.generateKey(PUBLIC_KEY_PARAMS[algorithm], true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair
  const [spki, pkcs8] = await Promise.all([
    crypto.subtle.exportKey('spki', pair.publicKey),
    crypto.subtle.exportKey('pkcs8', pair.privateKey),
  ])
  return { privateKey: pair.privateKey, spki: new Uint8Array(spki), pkcs8: new Uint8Array(pkcs8) }
}

/**
 * Cryptographically random bytes, by `crypto.getRandomValues`.
 *
 * @example
 * ```ts
 * randomBytes(24)
 * ```
 */
export function randomBytes(length: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(length))
}

/**
 * A random version 4 UUID, by `crypto.randomUUID`.
 *
 * @example
 * ```ts
 * randomUUID() // '0b1e…'
 * ```
 */
export function randomUUID(): string {
  return crypto.randomUUID()
}

function params(key: CryptoKey): Algorithm | EcdsaParams {
  return key.algorithm.name === 'ECDSA' ? ECDSA_SHA256 : key.algorithm
}
