import { chain, hexEncode, randomBytes } from '#crypto'
import { hmacText, nowSeconds, type Signed, type SignedDelivery, type SignOptions } from './delivery.js'

/**
 * A Mailgun webhook: a JSON body `{ signature: { timestamp, token, signature }, "event-data": payload }`, the
 * signature the hex HMAC-SHA256 of `timestamp + token` under the Webhook Signing Key. `payload` is the event-data
 * object; the token is 50 random characters unless given.
 *
 * @example
 * ```ts
 * const delivery = signMailgun({ payload: { id: 'CPgfbmQMTCKtHW6uIWtuVe', event: 'delivered' }, signingKey })
 * ```
 */
export function signMailgun(
  options: SignOptions & { signingKey: string; token?: string },
): Signed<SignedDelivery> {
  const payload = options.payload
  // Mailgun's body is `{ signature, "event-data" }`: the event-data is always an object.
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload))
    throw new TypeError(
      'signMailgun({ payload }): the payload is the "event-data" object, e.g. { id: "…", event: "delivered" }.',
    )
  const timestamp = String(options.timestamp ?? nowSeconds())
  const token = options.token ?? hexEncode(randomBytes(25))
  return chain(hmacText('sha256', options.signingKey, `${timestamp}${token}`, 'hex'), (signature) => ({
    method: 'POST' as const,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ signature: { token, timestamp, signature }, 'event-data': payload }),
  }))
}
