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
import type { Provider, SecretOption, SignedRequest } from '../types/provider.js'

export interface SquareOptions {
  /** The subscription's signature key (Developer Console → Webhooks → your subscription), or several while rotating. */
  signatureKey: SecretOption
  /**
   * The notification URL exactly as entered in the subscription (`https://example.com/webhooks/square`), or a
   * function of the request that returns it (one endpoint for several subscriptions). Square signs this URL, so it
   * is never rebuilt from the request or from forwarded headers.
   */
  notificationUrl: string | ((request: SignedRequest) => string)
}

/**
 * Square: `x-square-hmacsha256-signature: <base64 HMAC-SHA256 of "<notification URL><raw body>">` under the
 * subscription's signature key, as the `square` SDK's `WebhooksHelper.verifySignature` checks it. The dedup id is the
 * payload's `event_id`, the type its `type` (`payment.updated`). No signed timestamp: the id is signed, so the dedup
 * store refuses a replay while it remembers it.
 *
 * @example
 * ```ts
 * import { square } from 'webhook-receiver/providers/square'
 * const receiver = createReceiver({
 *   provider: square({ signatureKey: process.env.SQUARE_SIGNATURE_KEY!, notificationUrl: 'https://example.com/webhooks/square' }),
 * })
 * receiver.on('payment.updated', (event) => event.payload)
 * ```
 */
export function square<TEvents extends EventMap = EventMap>(options: SquareOptions): Provider<TEvents> {
  const perRequest = perRequestSecrets(options, ['signatureKey'], square<TEvents>)
  if (perRequest !== undefined) return perRequest
  const verifier = createHmacVerifier(
    'sha256',
    'base64',
    secretList(options?.signatureKey, 'square', 'signatureKey', {
      noun: 'key',
      expected: "the webhook subscription's signature key",
      check: (key) =>
        // Access tokens (EAAA…) and application secrets (sq0csp-…) call the API; they sign no notification.
        /^EAAA|^sq0[a-z]{3}-/.test(key)
          ? "this is a Square access token or application secret, not the subscription's signature key. Copy it from Developer Console → Webhooks → Subscriptions → your subscription."
          : undefined,
    }),
  )
  const notificationUrl = options.notificationUrl
  if (typeof notificationUrl !== 'function' && !/^https?:\/\/[^/?#]+/i.test(notificationUrl ?? '')) {
    throw new TypeError(
      "square({ notificationUrl }): pass the subscription's notification URL as entered in the Developer Console (https://…); Square signs it.",
    )
  }
  return {
    name: 'square',
    // Square waits 10 seconds for a 2xx (Square docs, "Webhooks overview", Respond to the notification).
    deadlineMs: 10_000,
    bodyLimit: 1024 * 1024,
    // Square retries an unacknowledged notification with exponential backoff for up to 24 hours (Square docs,
    // "Webhooks overview", Retries); one more day of margin.
    retryWindowMs: 2 * DAY_MS,
    signatureHeaders: ['x-square-hmacsha256-signature'],
    verify(request) {
      const signature = requireSignature(
        request.headers['x-square-hmacsha256-signature'],
        'x-square-hmacsha256-signature',
      )
      const url = typeof notificationUrl === 'function' ? notificationUrl(request) : notificationUrl
      return signatureVerdict(verifier.matches([signature], url, request.body))
    },
    parse({ body }) {
      const payload = parseJsonBody(body)
      if (!isJsonObject(payload) || typeof payload.event_id !== 'string' || typeof payload.type !== 'string')
        throw new PayloadInvalidError('A Square event is a JSON object with a string "event_id" and "type".')
      return [{ id: payload.event_id, type: payload.type, payload }]
    },
  }
}
