import { base64Encode, utf8Encode } from '#crypto'
import { serialise, type SignedDelivery, type SignOptions } from './delivery.js'

/**
 * A Postmark webhook: the body and the `Authorization: Basic …` header that the credentials in the webhook URL
 * produce (Postmark signs nothing).
 *
 * @example
 * ```ts
 * const delivery = signPostmark({ payload: { RecordType: 'Bounce', ID: 1, MessageID: '…' }, username: 'postmark', password })
 * ```
 */
export function signPostmark(
  options: Omit<SignOptions, 'timestamp'> & { username: string; password: string },
): SignedDelivery {
  return {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Basic ${base64Encode(utf8Encode(`${options.username}:${options.password}`))}`,
    },
    body: serialise(options.payload),
  }
}
