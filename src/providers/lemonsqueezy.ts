import { isJsonObject, parseJsonBody } from '../body.js'
import { createHmacVerifier } from '../crypto/hmac-verifier.js'
import { PayloadInvalidError } from '../errors.js'
import {
  DAY_MS,
  perRequestSecrets,
  requireSignature,
  secretList,
  signatureVerdict,
  singleEvent,
} from '../provider-kit/index.js'
import type { EventMap } from '../types/events.js'
import type { Provider, SecretOption } from '../types/provider.js'

export interface LemonSqueezyOptions {
  /** The webhook's signing secret (Settings → Webhooks), or several while rotating. */
  secret: SecretOption
}

/**
 * Lemon Squeezy: `X-Signature: <hex HMAC-SHA256 of the raw body>`. The type is the signed `meta.event_name`
 * (`order_created`), never the `X-Event-Name` header, which is not signed and could route a genuine body to the
 * wrong handler. Lemon Squeezy sends no event id, so the dedup id is a hash of the body (a retry repeats it), and
 * with no signed timestamp the dedup store is the replay window.
 *
 * @example
 * ```ts
 * import { lemonSqueezy } from 'webhook-receiver/providers/lemonsqueezy'
 * const receiver = createReceiver({ provider: lemonSqueezy({ secret: process.env.LEMONSQUEEZY_WEBHOOK_SECRET! }) })
 * receiver.on('order_created', (event) => event.payload)
 * ```
 */
export function lemonSqueezy<TEvents extends EventMap = EventMap>(
  options: LemonSqueezyOptions,
): Provider<TEvents> {
  const perRequest = perRequestSecrets(options, ['secret'], lemonSqueezy<TEvents>)
  if (perRequest !== undefined) return perRequest
  const verifier = createHmacVerifier(
    'sha256',
    'hex',
    secretList(options?.secret, 'lemonSqueezy', 'secret', {
      check: (secret) =>
        // API keys are JWTs (eyJ…); the signing secret is the one typed in when the webhook was created.
        secret.startsWith('eyJ')
          ? "this is an API key, not the webhook's signing secret. Pass the secret entered when the webhook was created (Settings → Webhooks)."
          : undefined,
    }),
  )
  return {
    name: 'lemonsqueezy',
    // Lemon Squeezy documents no response timeout ("Webhooks"); we answer within 10 s.
    deadlineMs: 10_000,
    bodyLimit: 1024 * 1024,
    // A failed delivery is retried 3 more times with exponential backoff, within minutes (Webhooks docs,
    // "Webhook requests"); resends from the dashboard come later, so a day of cover.
    retryWindowMs: DAY_MS,
    signatureHeaders: ['X-Signature'],
    verify({ headers, body }) {
      const signature = requireSignature(headers['x-signature'], 'X-Signature')
      return signatureVerdict(verifier.matches([signature], body))
    },
    parse({ body }) {
      const payload = parseJsonBody(body)
      const meta = isJsonObject(payload) ? payload.meta : undefined
      if (!isJsonObject(meta) || typeof meta.event_name !== 'string')
        throw new PayloadInvalidError(
          'A Lemon Squeezy event is a JSON object with a string "meta.event_name".',
        )
      return singleEvent(undefined, body, { type: meta.event_name, payload })
    },
  }
}
