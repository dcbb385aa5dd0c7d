import { randomUUID } from '#crypto'
import { serialise, type SignedDelivery, type SignOptions } from './delivery.js'

/**
 * A GitLab delivery: `X-Gitlab-Token` (the secret token itself), `X-Gitlab-Event`, `X-Gitlab-Event-UUID` and
 * `Idempotency-Key`.
 *
 * @example
 * ```ts
 * const delivery = signGitLab({ event: 'Push Hook', payload: { object_kind: 'push' }, secretToken })
 * ```
 */
export function signGitLab(
  options: Omit<SignOptions, 'timestamp'> & { secretToken: string; event: string; idempotencyKey?: string },
): SignedDelivery {
  return {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-gitlab-token': options.secretToken,
      'x-gitlab-event': options.event,
      'x-gitlab-event-uuid': randomUUID(),
      'idempotency-key': options.idempotencyKey ?? randomUUID(),
    },
    body: serialise(options.payload),
  }
}
