// `#crypto` on Node and Bun: node:crypto and Buffer, synchronous. Results are the values themselves, so the
// providers written against `#crypto` verify without a single microtask, and the body is hashed in place (no copy).
// Buffer is imported rather than taken from the global scope, so nothing here depends on that global.
import { Buffer } from 'node:buffer'
import {
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  createSecretKey,
  generateKeyPairSync,
  randomBytes as nodeRandomBytes,
  randomUUID as nodeRandomUUID,
  sign as nodeSign,
  timingSafeEqual as nodeTimingSafeEqual,
  verify as nodeVerify,
  type KeyObject,
} from 'node:crypto'
import type { HmacAlgorithm, Part, PublicKeyAlgorithm } from './runtime.js'

export type { HmacAlgorithm, Part, PublicKeyAlgorithm } from './runtime.js'

/** node:crypto answers at once. */
export type CryptoResult<T> = T
export interface HmacKey {
  readonly algorithm: HmacAlgorithm
  readonly key: KeyObject
}
export type PublicKey = KeyObject
export type PrivateKey = KeyObject

/**
 * Calls `next` with the value at once: node:crypto results are never Promises.
 *
 * @example
 * ```ts
 * chain(hmac(key, [body]), (digest) => digest.length) // 32, computed synchronously
 * ```
 */
export function chain<T, R>(value: T, next: (value: T) => R): R {
  return next(value)
}

/**
 * The values as they are: node:crypto results are never Promises.
 *
 * @example
 * ```ts
 * all([sha256(['a']), sha256(['b'])]) // two digests, synchronously
 * ```
 */
export function all<T>(values: readonly T[]): T[] {
  return values as T[]
}

/** A `Buffer` view over the same memory, for the Buffer-only methods below. */
function view(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

/**
 * UTF-8 bytes of `text`.
 *
 * @example
 * ```ts
 * utf8Encode('é') // Uint8Array [0xc3, 0xa9]
 * ```
 */
export function utf8Encode(text: string): Uint8Array {
  return Buffer.from(text, 'utf8')
}

/**
 * Decodes UTF-8 through a Buffer view over the same memory (no copy).
 *
 * @example
 * ```ts
 * utf8Decode(rawBody) // '{"id":"evt_1"}'
 * ```
 */
export function utf8Decode(bytes: Uint8Array): string {
  return view(bytes).toString('utf8')
}

/**
 * Standard base64, with padding.
 *
 * @example
 * ```ts
 * base64Encode(new Uint8Array([1, 2])) // 'AQI='
 * ```
 */
export function base64Encode(bytes: Uint8Array): string {
  return view(bytes).toString('base64')
}

/**
 * Decodes base64 the caller validated (Buffer alone would skip invalid characters silently).
 *
 * @example
 * ```ts
 * base64Decode('AQI=') // Uint8Array [1, 2]
 * ```
 */
export function base64Decode(text: string): Uint8Array {
  return Buffer.from(text, 'base64')
}

/**
 * Lower-case hex.
 *
 * @example
 * ```ts
 * hexEncode(new Uint8Array([255])) // 'ff'
 * ```
 */
export function hexEncode(bytes: Uint8Array): string {
  return view(bytes).toString('hex')
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
  return Buffer.from(text, 'hex')
}

/**
 * The parts joined into one buffer, for the operations that take one.
 *
 * @example
 * ```ts
 * concatBytes([timestampText, rawBody])
 * ```
 */
export function concatBytes(parts: readonly Part[]): Uint8Array {
  return Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'utf8') : part)))
}

/**
 * A KeyObject made once, with its algorithm, instead of one per delivery.
 *
 * @example
 * ```ts
 * const key = importHmacKey('sha256', utf8Encode('whsec_…'))
 * ```
 */
export function importHmacKey(algorithm: HmacAlgorithm, secret: Uint8Array): HmacKey {
  return { algorithm, key: createSecretKey(secret) }
}

/**
 * HMAC fed part by part, so the body is neither copied nor decoded.
 *
 * @example
 * ```ts
 * hmac(key, [`${timestamp}.`, rawBody]) // fed piecewise: the body is neither copied nor decoded
 * ```
 */
export function hmac(key: HmacKey, parts: readonly Part[]): Uint8Array {
  const mac = createHmac(key.algorithm, key.key)
  for (const part of parts) mac.update(part)
  return mac.digest()
}

/**
 * SHA-256 fed part by part.
 *
 * @example
 * ```ts
 * sha256([rawBody]) // 32 bytes
 * ```
 */
export function sha256(parts: readonly Part[]): Uint8Array {
  const hash = createHash('sha256')
  for (const part of parts) hash.update(part)
  return hash.digest()
}

/**
 * node:crypto's constant-time comparison; unequal lengths are unequal (it would throw).
 *
 * @example
 * ```ts
 * timingSafeEqual(expected, candidate) // false for unequal lengths, constant time otherwise
 * ```
 */
export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && nodeTimingSafeEqual(a, b)
}

/**
 * A public key from DER SPKI; a TypeError when it is not of `algorithm`.
 *
 * @example
 * ```ts
 * importPublicKey('ed25519', spki) // throws a TypeError for a key of another kind
 * ```
 */
export function importPublicKey(algorithm: PublicKeyAlgorithm, spki: Uint8Array): PublicKey {
  const key = createPublicKey({ key: view(spki), format: 'der', type: 'spki' })
  checkKind(key, algorithm)
  return key
}

/**
 * Verifies Ed25519, or ECDSA/SHA-256 over r‖s; false for a malformed signature, never a throw.
 *
 * @example
 * ```ts
 * verifySignature(key, signedBytes, rawSignature) // true or false, never throws
 * ```
 */
export function verifySignature(key: PublicKey, data: Uint8Array, signature: Uint8Array): boolean {
  try {
    return key.asymmetricKeyType === 'ed25519'
      ? nodeVerify(null, data, key, signature)
      : nodeVerify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature)
  } catch {
    return false
  }
}

/**
 * A private key from DER PKCS#8; a TypeError when it is not of `algorithm`.
 *
 * @example
 * ```ts
 * importPrivateKey('ecdsa-p256', pkcs8)
 * ```
 */
export function importPrivateKey(algorithm: PublicKeyAlgorithm, pkcs8: Uint8Array): PrivateKey {
  const key = createPrivateKey({ key: view(pkcs8), format: 'der', type: 'pkcs8' })
  checkKind(key, algorithm)
  return key
}

/**
 * Signs with Ed25519, or ECDSA/SHA-256 as r‖s.
 *
 * @example
 * ```ts
 * sign(privateKey, utf8Encode(content)) // Ed25519, or ECDSA as r‖s
 * ```
 */
export function sign(key: PrivateKey, data: Uint8Array): Uint8Array {
  return key.asymmetricKeyType === 'ed25519'
    ? nodeSign(null, data, key)
    : nodeSign('sha256', data, { key, dsaEncoding: 'ieee-p1363' })
}

/**
 * A fresh key pair, exported as DER too.
 *
 * @example
 * ```ts
 * generateKeyPair('ed25519') // { privateKey, spki, pkcs8 }
 * ```
 */
export function generateKeyPair(algorithm: PublicKeyAlgorithm): {
  privateKey: PrivateKey
  spki: Uint8Array
  pkcs8: Uint8Array
} {
  const { publicKey, privateKey } =
    algorithm === 'ed25519'
      ? generateKeyPairSync('ed25519')
      : generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
  return {
    privateKey,
    spki: publicKey.export({ format: 'der', type: 'spki' }),
    pkcs8: privateKey.export({ format: 'der', type: 'pkcs8' }),
  }
}

/**
 * Cryptographically random bytes.
 *
 * @example
 * ```ts
 * randomBytes(24)
 * ```
 */
export function randomBytes(length: number): Uint8Array {
  return nodeRandomBytes(length)
}

/**
 * A random version 4 UUID.
 *
 * @example
 * ```ts
 * randomUUID() // '0b1e…'
 * ```
 */
export function randomUUID(): string {
  return nodeRandomUUID()
}

function checkKind(key: KeyObject, algorithm: PublicKeyAlgorithm): void {
  const matches =
    algorithm === 'ed25519'
      ? key.asymmetricKeyType === 'ed25519'
      : key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1'
  if (!matches)
    throw new TypeError(`Expected a ${algorithm} key, got ${key.asymmetricKeyType ?? 'another kind'}.`)
}
