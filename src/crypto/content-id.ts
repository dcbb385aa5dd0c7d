import { chain, hexEncode, sha256, type CryptoResult, type Part } from '#crypto'

/**
 * A dedup id for senders that send none: the SHA-256 of the signed material. A retry carries the same bytes and
 * so the same id; two different events never share one. The same on every runtime, so processes on Node and on
 * an edge runtime sharing one store agree.
 */
export function contentId(...parts: Part[]): CryptoResult<string> {
  return chain(sha256(parts), (digest) => `sha256:${hexEncode(digest)}`)
}
