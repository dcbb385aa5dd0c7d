import { createHmac, createSecretKey, type KeyObject } from 'node:crypto'

export type HmacAlgorithm = 'sha1' | 'sha256' | 'sha512'

/** A secret turned into a key object once, at construction, instead of on every delivery. */
export type HmacKey = KeyObject

/**
 * Imports a secret for repeated HMAC use.
 *
 * @example
 * ```ts
 * const key = importHmacKey('whsec_…') // string secrets are used as their UTF-8 bytes
 * ```
 */
export function importHmacKey(secret: string | Uint8Array): HmacKey {
  return createSecretKey(typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret)
}

/**
 * HMAC over the concatenation of `parts`, fed piecewise so the body is never copied or decoded.
 *
 * @example
 * ```ts
 * const digest = hmac('sha256', key, `${timestamp}.`, rawBody)
 * ```
 */
export function hmac(algorithm: HmacAlgorithm, key: HmacKey, ...parts: (string | Uint8Array)[]): Buffer {
  const mac = createHmac(algorithm, key)
  for (const part of parts) mac.update(part)
  return mac.digest()
}
