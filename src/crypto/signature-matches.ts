import type { HmacKey } from './hmac.js'
import { timingSafeEqual } from './timing-safe-equal.js'

/**
 * True when any candidate signature equals the digest computed with any key. Every key is tried so a rotated-out
 * secret and its replacement both pass during the overlap; each digest is computed once however many
 * candidates the header carries.
 *
 * @example
 * ```ts
 * signatureMatches(keys, candidates, (key) => hmac('sha256', key, rawBody))
 * ```
 */
export function signatureMatches(
  keys: readonly HmacKey[],
  candidates: readonly Uint8Array[],
  digestFor: (key: HmacKey) => Uint8Array,
): boolean {
  if (candidates.length === 0) return false
  for (const key of keys) {
    const expected = digestFor(key)
    for (const candidate of candidates) {
      if (timingSafeEqual(expected, candidate)) return true
    }
  }
  return false
}
