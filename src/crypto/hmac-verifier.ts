import {
  chain,
  hmac,
  importHmacKey,
  timingSafeEqual,
  utf8Encode,
  type CryptoResult,
  type HmacAlgorithm,
  type HmacKey,
  type Part,
} from '#crypto'
import { anyOf } from './any-of.js'
import { decodeSignature } from './encoding.js'

/** At most this many signatures are read from one header, so hostile input cannot make verification unbounded. */
const MAX_SIGNATURES = 16

/** Checks signature texts, as a sender writes them, against the HMAC of the signed parts under every secret. */
export interface HmacVerifier {
  /**
   * True when any of `signatures` equals the HMAC of the concatenated `signed` parts under any secret: a boolean
   * with node:crypto, a Promise of one with Web Crypto.
   */
  matches(signatures: readonly string[], ...signed: Part[]): boolean | CryptoResult<boolean>
}

/**
 * Builds a verifier for one scheme (algorithm + signature encoding) and a list of secrets (rotation). Secrets are
 * imported once; each digest is computed once per secret however many signatures the header carries, and every
 * comparison is constant-time.
 */
export function createHmacVerifier(
  algorithm: HmacAlgorithm,
  encoding: 'hex' | 'base64',
  secrets: readonly (string | Uint8Array)[],
): HmacVerifier {
  const keys: HmacKey[] = secrets.map((secret) =>
    importHmacKey(algorithm, typeof secret === 'string' ? utf8Encode(secret) : secret),
  )
  return {
    matches(signatures, ...signed) {
      const candidates: Uint8Array[] = []
      for (const text of signatures) {
        if (candidates.length === MAX_SIGNATURES) break
        const decoded = decodeSignature(text, encoding)
        if (decoded !== undefined) candidates.push(decoded)
      }
      // Nothing that could match: no digest is computed for a header of garbage.
      if (candidates.length === 0) return false
      return anyOf(keys, (key) =>
        chain(hmac(key, signed), (expected) =>
          candidates.some((candidate) => timingSafeEqual(expected, candidate)),
        ),
      )
    },
  }
}
