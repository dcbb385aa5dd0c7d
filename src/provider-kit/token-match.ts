import { all, chain, sha256, timingSafeEqual, type CryptoResult } from '#crypto'

/** Checks a credential sent as it is (GitLab's token, Postmark's Basic auth) against the configured ones. */
export interface TokenMatcher {
  /** True when `token` equals one of the configured tokens, compared in constant time. */
  matches(token: string): boolean | CryptoResult<boolean>
}

/**
 * For senders that send a shared secret instead of signing the content. Hashing both sides gives equal-length
 * inputs, so the comparison never leaks the token's length; the configured tokens are hashed once.
 */
export function createTokenMatcher(tokens: readonly string[]): TokenMatcher {
  const digests = all(tokens.map((token) => sha256([token])))
  return {
    matches: (token) =>
      chain(digests, (expected) =>
        chain(sha256([token]), (given) => expected.some((digest) => timingSafeEqual(digest, given))),
      ),
  }
}
