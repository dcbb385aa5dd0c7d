import type { ResendEventMap } from '../event-maps/resend.js'
import { perRequestSecrets, secretList } from '../provider-kit/index.js'
import type { Provider, SecretOption } from '../types/provider.js'
import { standardWebhooks } from './standard-webhooks.js'

export type { ResendEventMap }

export interface ResendOptions {
  /** The webhook's signing secret (`whsec_…`, Dashboard → Webhooks → your webhook), or several while rotating. */
  secret: SecretOption
}

/**
 * Resend: Standard Webhooks as Svix sends them (`svix-id`, `svix-timestamp`, `svix-signature: v1,<base64
 * HMAC-SHA256 of "<id>.<timestamp>.<body>">`, the `webhook-*` names too), typed with `resend`'s
 * `WebhookEventPayload` when it is installed. The dedup id is `svix-id`, the type the payload's `type`.
 *
 * @example
 * ```ts
 * import { resend } from 'webhook-receiver/providers/resend'
 * const receiver = createReceiver({ provider: resend({ secret: process.env.RESEND_WEBHOOK_SECRET! }) })
 * receiver.on('email.bounced', (event) => event.payload.data.to)
 * ```
 */
export function resend(options: ResendOptions): Provider<ResendEventMap> {
  const perRequest = perRequestSecrets(options, ['secret'], resend)
  if (perRequest !== undefined) return perRequest
  const secret = secretList(options?.secret, 'resend', 'secret', {
    check: (value) =>
      // API keys (re_…) send email; webhooks are signed with the webhook's whsec_ secret.
      value.startsWith('re_')
        ? "this is a Resend API key, not the webhook's signing secret. Copy it from Dashboard → Webhooks → your webhook (whsec_…)."
        : undefined,
  })
  // Resend delivers through Svix: the scheme, the 15 s deadline and the retry schedule are Svix's.
  return { ...standardWebhooks<ResendEventMap>({ secret }), name: 'resend' }
}
