import { chain, type CryptoResult } from '#crypto'
import { SignatureInvalidError, TimestampInvalidError } from '../errors.js'
import { readSignedTimestamp } from './signed-timestamp.js'

/**
 * The end of every `verify`: refuses with `SignatureInvalidError` unless the signature check passed, then reads the
 * signed timestamp (when the scheme signs one; `TimestampInvalidError` naming `header` when it is not a number).
 * The timestamp is only looked at once the signature is known to be good; `read` parses it (default: Unix seconds).
 */
export function signatureVerdict(
  valid: boolean | CryptoResult<boolean>,
  timestampText?: string,
  header?: string,
  read: (text: string) => number | undefined = readSignedTimestamp,
): CryptoResult<number | undefined> {
  return chain(valid, (ok) => {
    if (!ok) throw new SignatureInvalidError()
    if (timestampText === undefined) return undefined
    const timestamp = read(timestampText)
    if (timestamp === undefined) throw new TimestampInvalidError(header ?? 'timestamp')
    return timestamp
  })
}
