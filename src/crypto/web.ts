// `#crypto` on edge runtimes (Next.js edge, Vercel, Cloudflare Workers, Deno, browsers): Web Crypto, TextEncoder,
// TextDecoder and atob/btoa only; no Buffer, no `node:` module. Web Crypto answers with Promises, so every result
// here is one. Keys are imported when a provider is created and awaited on first use; an import that fails (a key
// the runtime rejects) rejects the deliveries that use it, which the receiver answers 500 (internal_error) and logs each time. Each
// function is documented once, on the contract it implements (runtime.ts).
import type { HmacAlgorithm, Part, PublicKeyAlgorithm } from './runtime.js'

export type { HmacAlgorithm, Part, PublicKeyAlgorithm } from './runtime.js'

/** Web Crypto answers with Promises. */
export type CryptoResult<T> = Promise<T>
export type HmacKey = Promise<CryptoKey>
export type PublicKey = Promise<CryptoKey>
export type PrivateKey = CryptoKey

const HASH: Record<HmacAlgorithm, string> = { sha1: 'SHA-1', sha256: 'SHA-256', sha512: 'SHA-512' }
const PUBLIC_KEY_PARAMS: Record<PublicKeyAlgorithm, EcKeyImportParams | RsaHashedImportParams | Algorithm> = {
  'ecdsa-p256': { name: 'ECDSA', namedCurve: 'P-256' },
  ed25519: { name: 'Ed25519' },
  'rsa-sha256': { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
}
/** What generateKey needs beyond the import parameters: RSA's modulus and exponent. */
const GENERATE_PARAMS: Record<PublicKeyAlgorithm, EcKeyGenParams | RsaHashedKeyGenParams | Algorithm> = {
  ...PUBLIC_KEY_PARAMS,
  'rsa-sha256': {
    name: 'RSASSA-PKCS1-v1_5',
    hash: 'SHA-256',
    modulusLength: 2048,
    publicExponent: new Uint8Array([1, 0, 1]),
  },
} as Record<PublicKeyAlgorithm, EcKeyGenParams | RsaHashedKeyGenParams | Algorithm>
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

export function chain<T, R>(value: T | Promise<T>, next: (value: T) => R | Promise<R>): Promise<R> {
  return Promise.resolve(value).then(next)
}

export function all<T>(values: readonly (T | Promise<T>)[]): Promise<T[]> {
  return Promise.all(values)
}

export function utf8Encode(text: string): Uint8Array {
  return encoder.encode(text)
}

export function utf8Decode(bytes: Uint8Array): string {
  return decoder.decode(bytes)
}

export function base64Encode(bytes: Uint8Array): string {
  let binary = ''
  // In slices: String.fromCharCode takes its bytes as arguments, and engines cap the argument count.
  for (let offset = 0; offset < bytes.byteLength; offset += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(offset, offset + 0x8000))
  }
  return btoa(binary)
}

export function base64Decode(text: string): Uint8Array {
  const binary = atob(text)
  const bytes = new Uint8Array(binary.length)
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index)
  return bytes
}

const HEX_DIGITS = '0123456789abcdef'

export function hexEncode(bytes: Uint8Array): string {
  let hex = ''
  for (const byte of bytes) hex += HEX_DIGITS[byte >> 4]! + HEX_DIGITS[byte & 15]!
  return hex
}

export function hexDecode(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length >> 1)
  for (let index = 0; index < bytes.length; index++) {
    bytes[index] = Number.parseInt(text.slice(index * 2, index * 2 + 2), 16)
  }
  return bytes
}

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

export function importHmacKey(algorithm: HmacAlgorithm, secret: Uint8Array): HmacKey {
  return eager(
    crypto.subtle.importKey('raw', source(secret), { name: 'HMAC', hash: HASH[algorithm] }, false, ['sign']),
  )
}

export function hmac(key: HmacKey, parts: readonly Part[]): Promise<Uint8Array> {
  return key.then(
    async (cryptoKey) => new Uint8Array(await crypto.subtle.sign('HMAC', cryptoKey, join(parts))),
  )
}

export async function sha256(parts: readonly Part[]): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', join(parts)))
}

export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false
  // Every byte is visited and the differences OR-ed together, with no early exit: the time depends only on the
  // (public) length.
  let difference = 0
  for (let index = 0; index < a.byteLength; index++) difference |= a[index]! ^ b[index]!
  return difference === 0
}

export function importPublicKey(algorithm: PublicKeyAlgorithm, spki: Uint8Array): PublicKey {
  return eager(crypto.subtle.importKey('spki', source(spki), PUBLIC_KEY_PARAMS[algorithm], false, ['verify']))
}

export function verifySignature(key: PublicKey, data: Uint8Array, signature: Uint8Array): Promise<boolean> {
  return key.then((cryptoKey) =>
    crypto.subtle
      .verify(params(cryptoKey), cryptoKey, source(signature), source(data))
      // A signature of the wrong length or form is not valid; the runtime may throw for it rather than say so.
      .catch(() => false),
  )
}

export function importPrivateKey(algorithm: PublicKeyAlgorithm, pkcs8: Uint8Array): Promise<PrivateKey> {
  return crypto.subtle.importKey('pkcs8', source(pkcs8), PUBLIC_KEY_PARAMS[algorithm], true, ['sign'])
}

export async function sign(key: PrivateKey, data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.sign(params(key), key, source(data)))
}

export async function generateKeyPair(
  algorithm: PublicKeyAlgorithm,
): Promise<{ privateKey: PrivateKey; spki: Uint8Array; pkcs8: Uint8Array }> {
  const pair = (await crypto.subtle.generateKey(GENERATE_PARAMS[algorithm], true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair
  const [spki, pkcs8] = await Promise.all([
    crypto.subtle.exportKey('spki', pair.publicKey),
    crypto.subtle.exportKey('pkcs8', pair.privateKey),
  ])
  return { privateKey: pair.privateKey, spki: new Uint8Array(spki), pkcs8: new Uint8Array(pkcs8) }
}

export function randomBytes(length: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(length))
}

export function randomUUID(): string {
  return crypto.randomUUID()
}

function params(key: CryptoKey): Algorithm | EcdsaParams {
  return key.algorithm.name === 'ECDSA' ? ECDSA_SHA256 : key.algorithm
}
