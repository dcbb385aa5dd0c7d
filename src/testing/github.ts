import { chain, randomUUID } from '#crypto'
import { hmacText, serialise, type Signed, type SignedDelivery, type SignOptions } from './delivery.js'

/**
 * A GitHub delivery: `X-Hub-Signature-256`, `X-GitHub-Event` and `X-GitHub-Delivery`.
 *
 * @example
 * ```ts
 * const delivery = signGitHub({ event: 'issues', payload: { action: 'opened', issue: { number: 1 } }, secret })
 * ```
 */
export function signGitHub(
  options: Omit<SignOptions, 'timestamp'> & { secret: string; event: string; deliveryId?: string },
): Signed<SignedDelivery> {
  const body = serialise(options.payload)
  return chain(hmacText('sha256', options.secret, body, 'hex'), (signature): SignedDelivery => ({
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'GitHub-Hookshot/webhook-receiver-testing',
      'x-github-event': options.event,
      'x-github-delivery': options.deliveryId ?? randomUUID(),
      'x-hub-signature-256': `sha256=${signature}`,
    },
    body,
  }))
}
