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

export interface CoinbaseCommerceOptions {
  /** The webhook shared secret (Settings → Notifications), or several while rotating. */
  secret: SecretOption
}

/**
 * Coinbase Commerce: `X-CC-Webhook-Signature: <hex HMAC-SHA256 of the raw body>`. The body wraps one event:
 * `{ id, scheduled_for, attempt_number, event: { id, type, data, … } }`; the dedup id is `event.id` (the outer `id`
 * names the delivery), the type `event.type` (`charge:confirmed`), `attempt_number` the attempt. No signed
 * timestamp: the event id is signed, so the dedup store refuses a replay while it remembers it.
 *
 * @example
 * ```ts
 * import { coinbaseCommerce } from 'webhook-receiver/providers/coinbase'
 * const receiver = createReceiver({ provider: coinbaseCommerce({ secret: process.env.COINBASE_WEBHOOK_SECRET! }) })
 * receiver.on('charge:confirmed', (event) => event.payload.event.data)
 * ```
 */
export function coinbaseCommerce<TEvents extends EventMap = EventMap>(
  options: CoinbaseCommerceOptions,
): Provider<TEvents> {
  const perRequest = perRequestSecrets(options, ['secret'], coinbaseCommerce<TEvents>)
  if (perRequest !== undefined) return perRequest
  const verifier = createHmacVerifier(
    'sha256',
    'hex',
    secretList(options?.secret, 'coinbaseCommerce', 'secret'),
  )
  return {
    name: 'coinbase-commerce',
    // Coinbase Commerce documents no response timeout ("Responding to a Webhook"); we answer within 10 s.
    deadlineMs: 10_000,
    bodyLimit: 1024 * 1024,
    // Unacknowledged events are retried with exponential backoff for up to three days (Commerce docs, "Webhooks
    // overview", Responding to a Webhook); one more day of margin.
    retryWindowMs: 4 * DAY_MS,
    signatureHeaders: ['X-CC-Webhook-Signature'],
    verify({ headers, body }) {
      const signature = requireSignature(headers['x-cc-webhook-signature'], 'X-CC-Webhook-Signature')
      return signatureVerdict(verifier.matches([signature], body))
    },
    parse({ body }) {
      const payload = parseJsonBody(body)
      const event = isJsonObject(payload) ? payload.event : undefined
      if (
        !isJsonObject(payload) ||
        !isJsonObject(event) ||
        typeof event.id !== 'string' ||
        typeof event.type !== 'string'
      )
        throw new PayloadInvalidError(
          'A Coinbase Commerce delivery is a JSON object whose "event" has a string "id" and "type".',
        )
      const attempt = payload.attempt_number
      return [
        {
          id: event.id,
          type: event.type,
          payload,
          ...(Number.isInteger(attempt) && (attempt as number) > 0 ? { attempt: attempt as number } : {}),
        },
      ]
    },
  }
}
