// `#crypto` on Node and Bun: node:crypto and Buffer, synchronous. Results are the values themselves, so the
// providers written against `#crypto` verify without a single microtask, and the body is hashed in place (no copy).
// Buffer is imported rather than taken from the global scope, so nothing here depends on that global. Each function
// is documented once, on the contract it implements (runtime.ts).
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

export function chain<T, R>(value: T, next: (value: T) => R): R {
  return next(value)
}

export function all<T>(values: readonly T[]): T[] {
  return values as T[]
}

/** A `Buffer` view over the same memory, for the Buffer-only methods below. */
function view(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

export function utf8Encode(text: string): Uint8Array {
  return Buffer.from(text, 'utf8')
}

export function utf8Decode(bytes: Uint8Array): string {
  return view(bytes).toString('utf8')
}

export function base64Encode(bytes: Uint8Array): string {
  return view(bytes).toString('base64')
}

export function base64Decode(text: string): Uint8Array {
  // Buffer skips invalid characters silently: callers pass only text they validated or produced.
  return Buffer.from(text, 'base64')
}

export function hexEncode(bytes: Uint8Array): string {
  return view(bytes).toString('hex')
}

export function hexDecode(text: string): Uint8Array {
  return Buffer.from(text, 'hex')
}

export function concatBytes(parts: readonly Part[]): Uint8Array {
  return Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'utf8') : part)))
}

export function importHmacKey(algorithm: HmacAlgorithm, secret: Uint8Array): HmacKey {
  // One KeyObject per secret, made when the provider is, instead of one per delivery.
  return { algorithm, key: createSecretKey(secret) }
}

export function hmac(key: HmacKey, parts: readonly Part[]): Uint8Array {
  // Fed part by part, so the body is neither copied into one buffer nor decoded.
  const mac = createHmac(key.algorithm, key.key)
  for (const part of parts) mac.update(part)
  return mac.digest()
}

export function sha256(parts: readonly Part[]): Uint8Array {
  const hash = createHash('sha256')
  for (const part of parts) hash.update(part)
  return hash.digest()
}

export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  // node:crypto would throw for unequal lengths.
  return a.byteLength === b.byteLength && nodeTimingSafeEqual(a, b)
}

export function importPublicKey(algorithm: PublicKeyAlgorithm, spki: Uint8Array): PublicKey {
  const key = createPublicKey({ key: view(spki), format: 'der', type: 'spki' })
  checkKind(key, algorithm)
  return key
}

export function verifySignature(key: PublicKey, data: Uint8Array, signature: Uint8Array): boolean {
  // node:crypto throws for a signature of the wrong form: that is a signature that does not verify.
  try {
    if (key.asymmetricKeyType === 'ed25519') return nodeVerify(null, data, key, signature)
    if (key.asymmetricKeyType === 'rsa') return nodeVerify('sha256', data, key, signature)
    return nodeVerify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature)
  } catch {
    return false
  }
}

export function importPrivateKey(algorithm: PublicKeyAlgorithm, pkcs8: Uint8Array): PrivateKey {
  const key = createPrivateKey({ key: view(pkcs8), format: 'der', type: 'pkcs8' })
  checkKind(key, algorithm)
  return key
}

export function sign(key: PrivateKey, data: Uint8Array): Uint8Array {
  if (key.asymmetricKeyType === 'ed25519') return nodeSign(null, data, key)
  if (key.asymmetricKeyType === 'rsa') return nodeSign('sha256', data, key)
  return nodeSign('sha256', data, { key, dsaEncoding: 'ieee-p1363' })
}

export function generateKeyPair(algorithm: PublicKeyAlgorithm): {
  privateKey: PrivateKey
  spki: Uint8Array
  pkcs8: Uint8Array
} {
  const { publicKey, privateKey } =
    algorithm === 'ed25519'
      ? generateKeyPairSync('ed25519')
      : algorithm === 'rsa-sha256'
        ? generateKeyPairSync('rsa', { modulusLength: 2048 })
        : generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
  return {
    privateKey,
    spki: publicKey.export({ format: 'der', type: 'spki' }),
    pkcs8: privateKey.export({ format: 'der', type: 'pkcs8' }),
  }
}

export function randomBytes(length: number): Uint8Array {
  return nodeRandomBytes(length)
}

export function randomUUID(): string {
  return nodeRandomUUID()
}

function checkKind(key: KeyObject, algorithm: PublicKeyAlgorithm): void {
  const matches =
    algorithm === 'ed25519'
      ? key.asymmetricKeyType === 'ed25519'
      : algorithm === 'rsa-sha256'
        ? key.asymmetricKeyType === 'rsa'
        : key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1'
  if (!matches)
    throw new TypeError(`Expected a ${algorithm} key, got ${key.asymmetricKeyType ?? 'another kind'}.`)
}
