import { chain, randomUUID } from '#crypto'
import { hmacText, type Signed, type SignedDelivery } from './delivery.js'

/**
 * A Coinbase Commerce delivery: the event wrapped as Commerce sends it (`{ id, scheduled_for, attempt_number,
 * event }`) and `X-CC-Webhook-Signature`, the hex HMAC-SHA256 of the body under the shared secret.
 *
 * @example
 * ```ts
 * const delivery = signCoinbaseCommerce({ event: { id: 'evt_1', type: 'charge:confirmed', data: {} }, secret })
 * ```
 */
export function signCoinbaseCommerce(options: {
  /** The event (`{ id, type, data, … }`); or a string sent as the whole body as it is. */
  event: Record<string, unknown> | string
  secret: string
  attempt?: number
}): Signed<SignedDelivery> {
  const body =
    typeof options.event === 'string'
      ? options.event
      : JSON.stringify({
          id: randomUUID(),
          scheduled_for: new Date().toISOString(),
          attempt_number: options.attempt ?? 1,
          event: options.event,
        })
  return chain(hmacText('sha256', options.secret, body, 'hex'), (signature): SignedDelivery => ({
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-cc-webhook-signature': signature },
    body,
  }))
}
