import { chain, randomUUID } from '#crypto'
import {
  hmacText,
  nowSeconds,
  serialise,
  type Signed,
  type SignedDelivery,
  type SignOptions,
} from './delivery.js'

/**
 * A Sentry integration webhook: `Sentry-Hook-Signature` (hex HMAC-SHA256 of the body under the client secret),
 * `Sentry-Hook-Resource`, `Sentry-Hook-Timestamp` and `Request-ID`.
 *
 * @example
 * ```ts
 * const delivery = signSentry({ resource: 'issue', payload: { action: 'created', data: { issue: {} } }, clientSecret })
 * ```
 */
export function signSentry(
  options: SignOptions & { clientSecret: string; resource: string; requestId?: string },
): Signed<SignedDelivery> {
  const body = serialise(options.payload)
  return chain(hmacText('sha256', options.clientSecret, body, 'hex'), (signature): SignedDelivery => ({
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'request-id': options.requestId ?? randomUUID(),
      'sentry-hook-resource': options.resource,
      'sentry-hook-timestamp': String(options.timestamp ?? nowSeconds()),
      'sentry-hook-signature': signature,
    },
    body,
  }))
}
