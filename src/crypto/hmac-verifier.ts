import { decodeSignature } from './encoding.js'
import { hmac, importHmacKey, type HmacAlgorithm, type HmacKey } from './hmac.js'
import { timingSafeEqual } from './timing-safe-equal.js'

/** At most this many signatures are read from one header, so hostile input cannot make verification unbounded. */
const MAX_SIGNATURES = 16

/** Checks signature texts, as a sender writes them, against the HMAC of the signed parts under every secret. */
export interface HmacVerifier {
  /** True when any of `signatures` equals the HMAC of the concatenated `signed` parts under any secret. */
  matches(signatures: readonly string[], ...signed: (string | Uint8Array)[]): boolean
}

/**
 * Builds a verifier for one scheme (algorithm + signature encoding) and a list of secrets (rotation). Secrets are
 * imported once; each digest is computed once per secret however many signatures the header carries, and every
 * comparison is constant-time.
 *
 * @example
 * ```ts
 * const verifier = createHmacVerifier('sha256', 'hex', ['old secret', 'new secret'])
 * verifier.matches(['757107ea…'], rawBody) // true when either secret signed rawBody
 * ```
 */
export function createHmacVerifier(
  algorithm: HmacAlgorithm,
  encoding: 'hex' | 'base64',
  secrets: readonly (string | Uint8Array)[],
): HmacVerifier {
  const keys: HmacKey[] = secrets.map((secret) => importHmacKey(secret))
  return {
    matches(signatures, ...signed) {
      const candidates: Buffer[] = []
      for (const text of signatures) {
        if (candidates.length === MAX_SIGNATURES) break
        const decoded = decodeSignature(text, encoding)
        if (decoded !== undefined) candidates.push(decoded)
      }
      if (candidates.length === 0) return false
      for (const key of keys) {
        const expected = hmac(algorithm, key, ...signed)
        for (const candidate of candidates) if (timingSafeEqual(expected, candidate)) return true
      }
      return false
    },
  }
}
