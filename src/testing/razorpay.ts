import { chain, randomBytes, hexEncode } from '#crypto'
import { hmacText, serialise, type Signed, type SignedDelivery, type SignOptions } from './delivery.js'

/**
 * A Razorpay delivery: `X-Razorpay-Signature` (hex HMAC-SHA256 of the body under the webhook secret) and
 * `x-razorpay-event-id`.
 *
 * @example
 * ```ts
 * const delivery = signRazorpay({ payload: { entity: 'event', event: 'payment.captured', payload: {} }, secret })
 * ```
 */
export function signRazorpay(
  options: Omit<SignOptions, 'timestamp'> & { secret: string; eventId?: string },
): Signed<SignedDelivery> {
  const body = serialise(options.payload)
  return chain(hmacText('sha256', options.secret, body, 'hex'), (signature): SignedDelivery => ({
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-razorpay-signature': signature,
      'x-razorpay-event-id': options.eventId ?? hexEncode(randomBytes(7)),
    },
    body,
  }))
}
