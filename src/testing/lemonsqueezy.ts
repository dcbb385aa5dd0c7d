import { chain } from '#crypto'
import { hmacText, serialise, type Signed, type SignedDelivery, type SignOptions } from './delivery.js'

/**
 * A Lemon Squeezy delivery: `X-Signature` (hex HMAC-SHA256 of the body) and `X-Event-Name`, which Lemon Squeezy
 * copies from the body's `meta.event_name`.
 *
 * @example
 * ```ts
 * const delivery = signLemonSqueezy({ payload: { meta: { event_name: 'order_created' }, data: {} }, secret })
 * ```
 */
export function signLemonSqueezy(
  options: Omit<SignOptions, 'timestamp'> & { secret: string },
): Signed<SignedDelivery> {
  const body = serialise(options.payload)
  const meta = (options.payload as { meta?: { event_name?: unknown } } | null)?.meta
  const eventName = typeof meta?.event_name === 'string' ? meta.event_name : undefined
  return chain(hmacText('sha256', options.secret, body, 'hex'), (signature): SignedDelivery => ({
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(eventName !== undefined ? { 'x-event-name': eventName } : {}),
      'x-signature': signature,
    },
    body,
  }))
}
