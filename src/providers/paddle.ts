import { isJsonObject, parseJsonBody } from '../body.js'
import { createHmacVerifier } from '../crypto/hmac-verifier.js'
import { PayloadInvalidError, SignatureInvalidError } from '../errors.js'
import {
  DAY_MS,
  perRequestSecrets,
  requireSignature,
  secretList,
  signatureVerdict,
} from '../provider-kit/index.js'
import type { EventMap } from '../types/events.js'
import type { Provider, SecretOption } from '../types/provider.js'

export interface PaddleOptions {
  /** The notification destination's secret key (Developer Tools → Notifications), or several while rotating. */
  secret: SecretOption
}

/**
 * Paddle Billing: `Paddle-Signature: ts=<unix seconds>;h1=<hex HMAC-SHA256 of "<ts>:<raw body>">` (several `h1`
 * while Paddle rotates the key); the signed `ts` is held to `tolerance`. The dedup id is the payload's `event_id`,
 * the type its `event_type` (`transaction.completed`). Pass your own event map to type the handlers.
 *
 * @example
 * ```ts
 * import { paddle } from 'webhook-receiver/providers/paddle'
 * const receiver = createReceiver({ provider: paddle({ secret: process.env.PADDLE_WEBHOOK_SECRET! }) })
 * receiver.on('transaction.completed', (event) => event.payload)
 * ```
 */
export function paddle<TEvents extends EventMap = EventMap>(options: PaddleOptions): Provider<TEvents> {
  const perRequest = perRequestSecrets(options, ['secret'], paddle<TEvents>)
  if (perRequest !== undefined) return perRequest
  const verifier = createHmacVerifier(
    'sha256',
    'hex',
    secretList(options?.secret, 'paddle', 'secret', {
      check: (secret) =>
        // API keys (pdl_live_apikey_…, pdl_sdbx_apikey_…) call the API; the endpoint secret key signs notifications.
        /^pdl_(live|sdbx)_apikey_/.test(secret)
          ? "this is a Paddle API key, not the notification destination's secret key. Copy it from Developer Tools → Notifications → your destination."
          : undefined,
    }),
  )
  return {
    name: 'paddle',
    // Paddle expects a 200 within 5 seconds (Paddle docs, "Handle webhook delivery", Respond to events).
    deadlineMs: 5_000,
    bodyLimit: 1024 * 1024,
    // Live notifications are retried 60 times over 3 days (Paddle docs, "Handle webhook delivery", Retry logic);
    // one more day of margin.
    retryWindowMs: 4 * DAY_MS,
    signatureHeaders: ['Paddle-Signature'],
    verify({ headers, body }) {
      const header = requireSignature(headers['paddle-signature'], 'Paddle-Signature')
      let timestampText: string | undefined
      const signatures: string[] = []
      // Bounded split: a hostile header with thousands of entries costs no more than 64 of them.
      for (const item of header.split(';', 64)) {
        const eq = item.indexOf('=')
        if (eq < 0) continue
        const name = item.slice(0, eq).trim()
        if (name === 'ts') timestampText = item.slice(eq + 1).trim()
        else if (name === 'h1') signatures.push(item.slice(eq + 1).trim())
      }
      if (timestampText === undefined || signatures.length === 0)
        throw new SignatureInvalidError(
          'The Paddle-Signature header has no ts= timestamp or no h1= signature.',
        )
      return signatureVerdict(
        verifier.matches(signatures, `${timestampText}:`, body),
        timestampText,
        'Paddle-Signature',
      )
    },
    parse({ body }) {
      const payload = parseJsonBody(body)
      if (
        !isJsonObject(payload) ||
        typeof payload.event_id !== 'string' ||
        typeof payload.event_type !== 'string'
      )
        throw new PayloadInvalidError(
          'A Paddle event is a JSON object with a string "event_id" and "event_type".',
        )
      return [{ id: payload.event_id, type: payload.event_type, payload }]
    },
  }
}
