import { isJsonObject, parseJsonBody } from '../body.js'
import { createHmacVerifier } from '../crypto/hmac-verifier.js'
import { PayloadInvalidError } from '../errors.js'
import {
  DAY_MS,
  perRequestSecrets,
  requireSignature,
  secretList,
  signatureVerdict,
} from '../provider-kit/index.js'
import type { EventMap } from '../types/events.js'
import type { Provider, SecretOption } from '../types/provider.js'

export interface VercelOptions {
  /**
   * The webhook's secret (shown once when an account webhook is created), or the integration's Client Secret for
   * an integration's webhooks; several while rotating.
   */
  secret: SecretOption
}

/**
 * Vercel: `x-vercel-signature: <hex HMAC-SHA1 of the raw body>`. No signed timestamp, but the event `id` is in the
 * signed body, so the dedup store refuses a replay for as long as it remembers the id. The type is the payload's
 * `type` (`deployment.succeeded`). Pass your own event map to type the handlers.
 *
 * @example
 * ```ts
 * import { vercel } from 'webhook-receiver/providers/vercel'
 * const receiver = createReceiver({ provider: vercel({ secret: process.env.VERCEL_WEBHOOK_SECRET! }) })
 * receiver.on('deployment.succeeded', (event) => event.payload)
 * ```
 */
export function vercel<TEvents extends EventMap = EventMap>(options: VercelOptions): Provider<TEvents> {
  const perRequest = perRequestSecrets(options, ['secret'], vercel<TEvents>)
  if (perRequest !== undefined) return perRequest
  const verifier = createHmacVerifier(
    'sha1',
    'hex',
    secretList(options?.secret, 'vercel', 'secret', {
      check: (secret) =>
        // Vercel access tokens (vercel_…, or the older 24-character tokens) call the API; they sign nothing.
        secret.startsWith('vercel_')
          ? "this is a Vercel access token, not the webhook's secret. Copy the secret shown when the webhook was created (Team Settings → Webhooks), or the integration's Client Secret."
          : undefined,
    }),
  )
  return {
    name: 'vercel',
    // Vercel documents no response timeout for webhooks; 10 s keeps well inside what senders accept.
    deadlineMs: 10_000,
    bodyLimit: 1024 * 1024,
    // Vercel documents no retry schedule for failed deliveries; a day of cover for a resent event.
    retryWindowMs: DAY_MS,
    signatureHeaders: ['x-vercel-signature'],
    verify({ headers, body }) {
      const signature = requireSignature(headers['x-vercel-signature'], 'x-vercel-signature')
      return signatureVerdict(verifier.matches([signature], body))
    },
    parse({ body }) {
      const payload = parseJsonBody(body)
      if (!isJsonObject(payload) || typeof payload.id !== 'string' || typeof payload.type !== 'string')
        throw new PayloadInvalidError('A Vercel event is a JSON object with a string "id" and "type".')
      return [{ id: payload.id, type: payload.type, payload }]
    },
  }
}
