import { chain, type CryptoResult } from '#crypto'
import { SignatureInvalidError, TimestampInvalidError } from '../errors.js'
import { readSignedTimestamp } from './timestamp.js'

/**
 * The end of every `verify`: refuses with `SignatureInvalidError` unless the signature check passed, then reads the
 * signed timestamp (when the scheme signs one; `TimestampInvalidError` naming `header` when it is not a number).
 * The timestamp is only looked at once the signature is known to be good. Synchronous with node:crypto.
 *
 * @example
 * ```ts
 * return verdict(verifier.matches(signatures, `${timestampText}.`, body), timestampText, 'Stripe-Signature')
 * ```
 */
export function verdict(
  valid: boolean | CryptoResult<boolean>,
  timestampText?: string,
  header?: string,
): CryptoResult<number | undefined> {
  return chain(valid, (ok) => {
    if (!ok) throw new SignatureInvalidError()
    if (timestampText === undefined) return undefined
    const timestamp = readSignedTimestamp(timestampText)
    if (timestamp === undefined) throw new TimestampInvalidError(header ?? 'timestamp')
    return timestamp
  })
}
