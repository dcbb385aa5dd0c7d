import { chain } from '#crypto'
import { hmacText, serialise, type Signed, type SignedDelivery, type SignOptions } from './delivery.js'

/**
 * A Vercel delivery: `x-vercel-signature`, the hex HMAC-SHA1 of the body under the webhook's secret.
 *
 * @example
 * ```ts
 * const delivery = signVercel({ payload: { id: 'evt_1', type: 'deployment.succeeded', payload: {} }, secret })
 * ```
 */
export function signVercel(
  options: Omit<SignOptions, 'timestamp'> & { secret: string },
): Signed<SignedDelivery> {
  const body = serialise(options.payload)
  return chain(hmacText('sha1', options.secret, body, 'hex'), (signature): SignedDelivery => ({
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-vercel-signature': signature },
    body,
  }))
}
