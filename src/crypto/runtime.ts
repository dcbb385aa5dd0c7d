/**
 * The one crypto contract the library is written against. Two modules implement it: `node.ts` (node:crypto and
 * Buffer, synchronous) and `web.ts` (Web Crypto, TextEncoder and atob only, asynchronous). Shared code imports
 * `#crypto` (package.json `imports`), which resolves to one or the other by export condition: `edge-light`,
 * `workerd`, `worker`, `browser` and `deno` select the Web Crypto one, everything else (Node, Bun) the node:crypto
 * one. Both builds bundle it, so users only ever choose through the package's `exports` conditions.
 *
 * Why results are generic: Web Crypto only offers Promises, while node:crypto answers at once, and the Node hot
 * path must not pay a microtask per delivery. Shared code composes results with `chain` and `all`, which the node
 * implementation turns into plain calls (the name is not `then`: a module exporting `then` is a thenable, which
 * `await import()` would mistake for a Promise); the same provider code is then synchronous on Node and asynchronous on
 * the web. runtime-conformance.ts proves at compile time that both modules implement the contract.
 */

/** How a runtime answers: `sync` returns values (node:crypto), `async` returns Promises of them (Web Crypto). */
export type Mode = 'sync' | 'async'

/** A result of `T` in mode `M`. */
export type ResultIn<M extends Mode, T> = M extends 'sync' ? T : Promise<T>

export type HmacAlgorithm = 'sha1' | 'sha256' | 'sha512'

/**
 * Public-key schemes in use: SendGrid's ECDSA P-256/SHA-256, Standard Webhooks' and Discord's Ed25519, and PayPal's
 * RSA PKCS#1 v1.5 with SHA-256 (`SHA256withRSA`).
 */
export type PublicKeyAlgorithm = 'ecdsa-p256' | 'ed25519' | 'rsa-sha256'

/** Bytes or text; text is always taken as its UTF-8 bytes. */
export type Part = string | Uint8Array

/**
 * What `#crypto` provides. `HmacKey`, `PublicKey` and `PrivateKey` are the runtime's own key handles; keys are imported
 * once, when a provider is created, and handed back on every delivery.
 */
export interface CryptoRuntime<M extends Mode, HmacKey, PublicKey, PrivateKey> {
  /** Calls `next` with the value: at once when it is one (sync), when it settles (async). */
  chain<T, R>(value: T | ResultIn<M, T>, next: (value: T) => R | ResultIn<M, R>): ResultIn<M, R>
  /** Every value, in order, once all are there. */
  all<T>(values: readonly (T | ResultIn<M, T>)[]): ResultIn<M, T[]>

  /** UTF-8 bytes of `text`. */
  utf8Encode(text: string): Uint8Array
  /** `bytes` decoded as UTF-8 (invalid sequences become U+FFFD, a leading BOM is kept), without copying them. */
  utf8Decode(bytes: Uint8Array): string
  /** Standard base64, with padding. */
  base64Encode(bytes: Uint8Array): string
  /** Decodes base64 that the caller has already validated (see `decodeSignature`) or that it produced itself. */
  base64Decode(text: string): Uint8Array
  /** Lower-case hex. */
  hexEncode(bytes: Uint8Array): string
  /** Decodes hex that the caller has already validated. */
  hexDecode(text: string): Uint8Array
  /** The parts joined into one byte array, for operations that take a single buffer (public-key signatures). */
  concatBytes(parts: readonly Part[]): Uint8Array

  /** Imports a secret for repeated HMAC use (fails, if ever, when the key is first used). */
  importHmacKey(algorithm: HmacAlgorithm, secret: Uint8Array): HmacKey
  /** HMAC over the concatenation of `parts`; the body is hashed as bytes, never decoded. */
  hmac(key: HmacKey, parts: readonly Part[]): ResultIn<M, Uint8Array>
  /** SHA-256 over the concatenation of `parts`. */
  sha256(parts: readonly Part[]): ResultIn<M, Uint8Array>
  /** Constant-time equality of the contents; unequal lengths are simply unequal (a digest's length is public). */
  timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean

  /** Imports a DER SubjectPublicKeyInfo the caller has checked is of `algorithm` (see `public-key.ts`). */
  importPublicKey(algorithm: PublicKeyAlgorithm, spki: Uint8Array): PublicKey
  /**
   * True when `signature` signs `data` under `key`: Ed25519 as is, ECDSA with SHA-256 and the signature as r‖s
   * (IEEE P1363, the form Web Crypto uses; DER is converted by the caller), RSA PKCS#1 v1.5 with SHA-256. Never true
   * for a malformed signature.
   */
  verifySignature(key: PublicKey, data: Uint8Array, signature: Uint8Array): ResultIn<M, boolean>

  /** Imports a DER PKCS#8 private key of `algorithm`, for the signers of `webhook-receiver/testing`. */
  importPrivateKey(algorithm: PublicKeyAlgorithm, pkcs8: Uint8Array): ResultIn<M, PrivateKey>
  /** Signs `data`: Ed25519, ECDSA P-256/SHA-256 as r‖s, or RSA PKCS#1 v1.5/SHA-256. */
  sign(key: PrivateKey, data: Uint8Array): ResultIn<M, Uint8Array>
  /** A fresh key pair (RSA: 2048 bits), with both halves also exported as DER (SPKI and PKCS#8). */
  generateKeyPair(
    algorithm: PublicKeyAlgorithm,
  ): ResultIn<M, { privateKey: PrivateKey; spki: Uint8Array; pkcs8: Uint8Array }>

  /** `length` cryptographically random bytes. */
  randomBytes(length: number): Uint8Array
  /** A random RFC 9562 version 4 UUID. */
  randomUUID(): string
}
