import { isJsonObject, parseJsonBody } from '../body.js'
import { createHmacVerifier } from '../crypto/hmac-verifier.js'
import { PayloadInvalidError } from '../errors.js'
import {
  DAY_MS,
  perRequestSecrets,
  requireHeader,
  requireSignature,
  secretList,
  signatureVerdict,
} from '../provider-kit/index.js'
import type { EventMap } from '../types/events.js'
import type { Provider, SecretOption } from '../types/provider.js'

export interface RazorpayOptions {
  /** The webhook secret set when the webhook was created (not the API key secret), or several while rotating. */
  secret: SecretOption
}

/**
 * Razorpay: `X-Razorpay-Signature: <hex HMAC-SHA256 of the raw body>`; the dedup id is `x-razorpay-event-id` and
 * the type the payload's `event` (`payment.captured`). Neither a timestamp nor the id header is signed, so the
 * verified signature is reserved beside the id: a captured delivery replayed under another id is still a
 * duplicate, for as long as the store remembers it.
 *
 * @example
 * ```ts
 * import { razorpay } from 'webhook-receiver/providers/razorpay'
 * const receiver = createReceiver({ provider: razorpay({ secret: process.env.RAZORPAY_WEBHOOK_SECRET! }) })
 * receiver.on('payment.captured', (event) => event.payload)
 * ```
 */
export function razorpay<TEvents extends EventMap = EventMap>(options: RazorpayOptions): Provider<TEvents> {
  const perRequest = perRequestSecrets(options, ['secret'], razorpay<TEvents>)
  if (perRequest !== undefined) return perRequest
  const verifier = createHmacVerifier(
    'sha256',
    'hex',
    secretList(options?.secret, 'razorpay', 'secret', {
      check: (secret) =>
        // Key ids (rzp_live_…, rzp_test_…) name API keys; the webhook secret is chosen when the webhook is set up.
        /^rzp_(live|test)_/.test(secret)
          ? 'this is an API key id, not the webhook secret. Pass the secret entered when the webhook was set up (Dashboard → Account & Settings → Webhooks).'
          : undefined,
    }),
  )
  return {
    name: 'razorpay',
    // Razorpay counts a delivery not answered within 5 seconds as failed (Webhooks docs, "Validate and Test").
    deadlineMs: 5_000,
    bodyLimit: 1024 * 1024,
    // Failed deliveries are retried with exponential backoff for 24 hours after the event was created (Webhooks
    // docs, "Best Practices", Delivery Attempts and Retries); one more day of margin.
    retryWindowMs: 2 * DAY_MS,
    signatureHeaders: ['X-Razorpay-Signature'],
    verify({ headers, body }) {
      const signature = requireSignature(headers['x-razorpay-signature'], 'X-Razorpay-Signature')
      return signatureVerdict(verifier.matches([signature], body))
    },
    parse({ headers, body }) {
      const id = requireHeader(headers['x-razorpay-event-id'], 'x-razorpay-event-id')
      const payload = parseJsonBody(body)
      if (!isJsonObject(payload) || typeof payload.event !== 'string')
        throw new PayloadInvalidError('A Razorpay event is a JSON object with a string "event".')
      // The event id header is not signed: the verified signature identifies the signed bytes.
      return [{ id, type: payload.event, payload, replayId: headers['x-razorpay-signature'] }]
    },
  }
}
