import { svixHeaders, type Signed, type SignedDelivery, type SignOptions } from './delivery.js'
import { signStandardWebhooks } from './standard-webhooks.js'

/**
 * A Resend delivery, as Svix sends it: `svix-id`, `svix-timestamp` and `svix-signature` over the event.
 *
 * @example
 * ```ts
 * const delivery = signResend({ payload: { type: 'email.delivered', created_at: '…', data: { email_id: '…' } }, secret: 'whsec_…' })
 * ```
 */
export function signResend(options: SignOptions & { secret: string; id?: string }): Signed<SignedDelivery> {
  return svixHeaders(signStandardWebhooks(options))
}
