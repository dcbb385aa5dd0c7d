import { svixHeaders, type Signed, type SignedDelivery, type SignOptions } from './delivery.js'
import { signStandardWebhooks } from './standard-webhooks.js'

/**
 * A Clerk delivery, as Svix sends it: `svix-id`, `svix-timestamp` and `svix-signature` over the event.
 *
 * @example
 * ```ts
 * const delivery = signClerk({ payload: { type: 'user.created', object: 'event', data: { id: 'user_1' } }, secret: 'whsec_…' })
 * ```
 */
export function signClerk(options: SignOptions & { secret: string; id?: string }): Signed<SignedDelivery> {
  return svixHeaders(signStandardWebhooks(options))
}
