import { chain, randomUUID } from '#crypto'
import { hmacText, nowSeconds, type Signed, type SignedDelivery } from './delivery.js'

/**
 * A Linear delivery: the payload with its signed `webhookTimestamp` (milliseconds), `Linear-Signature` (hex
 * HMAC-SHA256 of the body), `Linear-Delivery`, `Linear-Event` and `Linear-Timestamp`.
 *
 * @example
 * ```ts
 * const delivery = signLinear({ payload: { action: 'create', type: 'Issue', data: { id: '…' } }, secret })
 * ```
 */
export function signLinear(options: {
  /** The event; `webhookTimestamp` is set from `timestamp`. A string is sent as the whole body as it is. */
  payload: Record<string, unknown> | string
  secret: string
  /** Signing time in seconds since the epoch. Default: now. */
  timestamp?: number
  deliveryId?: string
}): Signed<SignedDelivery> {
  const milliseconds = (options.timestamp ?? nowSeconds()) * 1000
  const body =
    typeof options.payload === 'string'
      ? options.payload
      : JSON.stringify({ ...options.payload, webhookTimestamp: milliseconds })
  const type = typeof options.payload === 'string' ? undefined : options.payload.type
  return chain(hmacText('sha256', options.secret, body, 'hex'), (signature): SignedDelivery => ({
    method: 'POST',
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'linear-delivery': options.deliveryId ?? randomUUID(),
      ...(typeof type === 'string' ? { 'linear-event': type } : {}),
      'linear-timestamp': String(milliseconds),
      'linear-signature': signature,
    },
    body,
  }))
}
