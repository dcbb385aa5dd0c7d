import { chain } from '#crypto'
import {
  hmacText,
  nowSeconds,
  serialise,
  type Signed,
  type SignedDelivery,
  type SignOptions,
} from './delivery.js'

/**
 * A Paddle Billing notification: `Paddle-Signature: ts=<timestamp>;h1=<hex HMAC-SHA256 of "<ts>:<body>">`.
 *
 * @example
 * ```ts
 * const delivery = signPaddle({ payload: { event_id: 'evt_01…', event_type: 'transaction.completed', data: {} }, secret })
 * ```
 */
export function signPaddle(options: SignOptions & { secret: string }): Signed<SignedDelivery> {
  const body = serialise(options.payload)
  const timestamp = options.timestamp ?? nowSeconds()
  return chain(
    hmacText('sha256', options.secret, `${timestamp}:${body}`, 'hex'),
    (signature): SignedDelivery => ({
      method: 'POST',
      headers: { 'content-type': 'application/json', 'paddle-signature': `ts=${timestamp};h1=${signature}` },
      body,
    }),
  )
}
