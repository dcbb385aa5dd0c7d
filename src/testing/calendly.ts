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
 * A Calendly delivery: `Calendly-Webhook-Signature: t=<timestamp>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.
 *
 * @example
 * ```ts
 * const delivery = signCalendly({ payload: { event: 'invitee.created', payload: { uri: 'https://api.calendly.com/…' } }, signingKey })
 * ```
 */
export function signCalendly(options: SignOptions & { signingKey: string }): Signed<SignedDelivery> {
  const body = serialise(options.payload)
  const timestamp = options.timestamp ?? nowSeconds()
  return chain(
    hmacText('sha256', options.signingKey, `${timestamp}.${body}`, 'hex'),
    (signature): SignedDelivery => ({
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'calendly-webhook-signature': `t=${timestamp},v1=${signature}`,
      },
      body,
    }),
  )
}
