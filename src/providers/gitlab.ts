import { chain } from '#crypto'
import { isJsonObject, parseJsonBody } from '../body.js'
import { BodyMalformedError, SignatureInvalidError } from '../errors.js'
import {
  createTokenMatcher,
  DAY_MS,
  perRequestSecrets,
  requireHeader,
  requireSignature,
  secretList,
  singleEvent,
} from '../provider-kit/index.js'
import type { EventMap } from '../types/events.js'
import type { Provider, SecretOption } from '../types/provider.js'

export interface GitLabOptions {
  /** The webhook's secret token, or several while rotating. */
  secretToken: SecretOption
}

/**
 * GitLab: the webhook's secret token is sent as it is in `X-Gitlab-Token` (GitLab signs nothing), compared
 * timing-safe against every configured token. The event type is `X-Gitlab-Event` (`Push Hook`, `Merge Request
 * Hook`); the dedup id is `Idempotency-Key` (the same on every retry of one event), else a hash of the body (GitLab
 * before 17.4). `X-Gitlab-Event-UUID` is not an event id: a recursive chain of webhooks shares one.
 *
 * @example
 * ```ts
 * import { gitlab } from 'webhook-receiver/providers/gitlab'
 * const receiver = createReceiver({ provider: gitlab({ secretToken: process.env.GITLAB_WEBHOOK_TOKEN! }) })
 * receiver.on('Push Hook', (event) => event.payload)
 * ```
 */
export function gitlab<TEvents extends EventMap = EventMap>(options: GitLabOptions): Provider<TEvents> {
  const perRequest = perRequestSecrets(options, ['secretToken'], gitlab<TEvents>)
  if (perRequest !== undefined) return perRequest
  const tokens = createTokenMatcher(secretList(options?.secretToken, 'gitlab', 'secretToken'))
  return {
    name: 'gitlab',
    // GitLab times a webhook out after 10 seconds by default (docs: "Webhook events", timeouts).
    deadlineMs: 10_000,
    bodyLimit: 25 * 1024 * 1024,
    // GitLab does not retry failed deliveries by itself; a day covers manual re-sends from the webhook log.
    retryWindowMs: DAY_MS,
    signatureHeaders: ['X-Gitlab-Token'],
    verify({ headers }) {
      const token = requireSignature(headers['x-gitlab-token'], 'X-Gitlab-Token')
      return chain(tokens.matches(token), (ok) => {
        if (!ok)
          throw new SignatureInvalidError(
            'The X-Gitlab-Token header does not match the configured secret token(s).',
          )
        return undefined
      })
    },
    parse({ headers, body }) {
      const type = requireHeader(headers['x-gitlab-event'], 'X-Gitlab-Event')
      const payload = parseJsonBody(body)
      if (!isJsonObject(payload)) throw new BodyMalformedError('a GitLab event object')
      // Not X-Gitlab-Event-UUID: GitLab gives every webhook of a recursive chain (a handler whose API call fires
      // another webhook) the same one, so distinct events would be dropped as duplicates. GitLab before 17.4 sends no
      // Idempotency-Key; the body is then the identity (a retry repeats it exactly).
      return singleEvent(headers['idempotency-key'], body, { type, payload })
    },
  }
}
