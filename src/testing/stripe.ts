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
 * A Stripe delivery: `Stripe-Signature: t=<timestamp>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.
 *
 * @example
 * ```ts
 * const delivery = signStripe({ payload: { id: 'evt_1', type: 'customer.created', data: { object: {} } }, secret })
 * await receiver.handle({ ...delivery, url: '/webhooks/stripe' })
 * ```
 */
export function signStripe(options: SignOptions & { secret: string }): Signed<SignedDelivery> {
  const body = serialise(options.payload)
  const timestamp = options.timestamp ?? nowSeconds()
  return chain(
    hmacText('sha256', options.secret, `${timestamp}.${body}`, 'hex'),
    (signature): SignedDelivery => ({
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'stripe-signature': `t=${timestamp},v1=${signature}`,
      },
      body,
    }),
  )
}
