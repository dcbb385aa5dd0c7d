import { timingSafeEqual as nodeTimingSafeEqual } from 'node:crypto'

/**
 * Constant-time comparison of two byte strings. Lengths are compared first: a digest's length is public
 * (it is fixed by the algorithm), so only the contents need constant-time treatment.
 *
 * @example
 * ```ts
 * if (timingSafeEqual(expectedDigest, candidateDigest)) accept()
 * ```
 */
export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && nodeTimingSafeEqual(a, b)
}
