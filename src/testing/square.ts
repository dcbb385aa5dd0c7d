import { chain } from '#crypto'
import { hmacText, serialise, type Signed, type SignedDelivery, type SignOptions } from './delivery.js'

/**
 * A Square notification: `x-square-hmacsha256-signature`, the base64 HMAC-SHA256 of the notification URL followed
 * by the body, under the subscription's signature key.
 *
 * @example
 * ```ts
 * const delivery = signSquare({ payload: { event_id: '…', type: 'payment.updated', data: {} }, signatureKey, notificationUrl: 'https://example.com/square' })
 * ```
 */
export function signSquare(
  options: Omit<SignOptions, 'timestamp'> & { signatureKey: string; notificationUrl: string },
): Signed<SignedDelivery> {
  const body = serialise(options.payload)
  return chain(
    hmacText('sha256', options.signatureKey, options.notificationUrl + body, 'base64'),
    (signature): SignedDelivery => ({
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-square-hmacsha256-signature': signature },
      body,
    }),
  )
}
