import { chain } from '#crypto'
import { hmacText, serialise, type Signed, type SignedDelivery, type SignOptions } from './delivery.js'

/**
 * An Intercom notification: `X-Hub-Signature: sha1=<hex HMAC-SHA1 of the body>` under the app's client secret.
 *
 * @example
 * ```ts
 * const delivery = signIntercom({ payload: { type: 'notification_event', id: 'notif_1', topic: 'ping', data: {} }, clientSecret })
 * ```
 */
export function signIntercom(
  options: Omit<SignOptions, 'timestamp'> & { clientSecret: string },
): Signed<SignedDelivery> {
  const body = serialise(options.payload)
  return chain(hmacText('sha1', options.clientSecret, body, 'hex'), (signature): SignedDelivery => ({
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature': `sha1=${signature}` },
    body,
  }))
}
