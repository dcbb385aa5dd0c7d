import type { ClerkEventMap } from '../event-maps/clerk.js'
import { perRequestSecrets, secretList } from '../provider-kit/index.js'
import type { Provider, SecretOption } from '../types/provider.js'
import { standardWebhooks } from './standard-webhooks.js'

export type { ClerkEventMap }

export interface ClerkOptions {
  /** The endpoint's Signing Secret (`whsec_…`, Dashboard → Webhooks → your endpoint), or several while rotating. */
  secret: SecretOption
}

/**
 * Clerk: Standard Webhooks as Svix sends them (`svix-id`, `svix-timestamp`, `svix-signature: v1,<base64
 * HMAC-SHA256 of "<id>.<timestamp>.<body>">`, the `webhook-*` names too), typed with `@clerk/backend`'s
 * `WebhookEvent` when it is installed. The dedup id is `svix-id`, the type the payload's `type`.
 *
 * @example
 * ```ts
 * import { clerk } from 'webhook-receiver/providers/clerk'
 * const receiver = createReceiver({ provider: clerk({ secret: process.env.CLERK_WEBHOOK_SIGNING_SECRET! }) })
 * receiver.on('user.created', (event) => event.payload.data.email_addresses)
 * ```
 */
export function clerk(options: ClerkOptions): Provider<ClerkEventMap> {
  const perRequest = perRequestSecrets(options, ['secret'], clerk)
  if (perRequest !== undefined) return perRequest
  const secret = secretList(options?.secret, 'clerk', 'secret', {
    check: (value) =>
      // Clerk's Secret and Publishable keys (sk_/pk_live_…, sk_/pk_test_…) call the Backend API; webhooks are whsec_.
      /^[sp]k_(live|test)_/.test(value)
        ? "this is a Clerk API key, not the endpoint's Signing Secret. Copy it from Dashboard → Webhooks → your endpoint (whsec_…)."
        : undefined,
  })
  // Clerk delivers through Svix: the scheme, the 15 s deadline and the retry schedule are Svix's.
  return { ...standardWebhooks<ClerkEventMap>({ secret }), name: 'clerk' }
}
