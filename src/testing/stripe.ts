import { createHmac } from 'node:crypto'
import { nowSeconds, serialise, type SignedDelivery, type SignOptions } from './delivery.js'

/**
 * A Stripe delivery: `Stripe-Signature: t=<timestamp>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.
 *
 * @example
 * ```ts
 * const delivery = signStripe({ payload: { id: 'evt_1', type: 'customer.created', data: { object: {} } }, secret })
 * await receiver.handle({ ...delivery, url: '/webhooks/stripe' })
 * ```
 */
export function signStripe(options: SignOptions & { secret: string }): SignedDelivery {
  const body = serialise(options.payload)
  const timestamp = options.timestamp ?? nowSeconds()
  const signature = createHmac('sha256', options.secret).update(`${timestamp}.${body}`).digest('hex')
  return {
    method: 'POST',
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'stripe-signature': `t=${timestamp},v1=${signature}`,
    },
    body,
  }
}
