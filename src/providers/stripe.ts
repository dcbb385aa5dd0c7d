import type { StripeEventMap } from '../event-maps/stripe.js'
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
import type { Provider, SecretOption } from '../types/provider.js'

export type { StripeEventMap }

export interface StripeOptions {
  /** The endpoint's signing secret (`whsec_…`), or several while rotating. */
  secret: SecretOption
}

const SIGNATURE_HEADER = 'stripe-signature'

/**
 * Stripe: `Stripe-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">[,v1=…]`.
 * Dedup id is the event's `id` (`evt_…`), stable across Stripe's retries.
 *
 * @example
 * ```ts
 * import { stripe } from 'webhook-receiver/providers/stripe'
 * const receiver = createReceiver({ provider: stripe({ secret: process.env.STRIPE_WEBHOOK_SECRET! }) })
 * receiver.on('payment_intent.succeeded', (event) => event.payload.data.object.amount)
 * ```
 */
export function stripe(options: StripeOptions): Provider<StripeEventMap> {
  const perRequest = perRequestSecrets(options, ['secret'], stripe)
  if (perRequest !== undefined) return perRequest
  const verifier = createHmacVerifier(
    'sha256',
    'hex',
    secretList(options?.secret, 'stripe', 'secret', {
      check: (secret) =>
        // Every Stripe endpoint secret (Dashboard and `stripe listen`) starts with whsec_; API keys start with sk_/rk_.
        secret.startsWith('whsec_')
          ? undefined
          : "this is not a webhook signing secret (they start with whsec_). Copy the endpoint's Signing secret from Dashboard → Developers → Webhooks (or `stripe listen`), not an API key.",
    }),
  )
  return {
    name: 'stripe',
    // Stripe documents no exact timeout, only "return a 2xx quickly"; 10 s keeps well inside what it tolerates.
    deadlineMs: 10_000,
    bodyLimit: 1024 * 1024,
    // Live-mode retries go on for up to 3 days (Stripe docs, "Retry behavior"); one more day of margin.
    retryWindowMs: 4 * DAY_MS,
    signatureHeaders: ['Stripe-Signature'],
    verify({ headers, body }) {
      const header = requireSignature(headers[SIGNATURE_HEADER], 'Stripe-Signature')
      let timestampText: string | undefined
      const signatures: string[] = []
      // Bounded split: a hostile header with thousands of entries costs no more than 64 of them.
      for (const item of header.split(',', 64)) {
        const eq = item.indexOf('=')
        if (eq < 0) continue
        const name = item.slice(0, eq).trim()
        if (name === 't') timestampText = item.slice(eq + 1).trim()
        else if (name === 'v1') signatures.push(item.slice(eq + 1).trim())
      }
      if (timestampText === undefined || signatures.length === 0) {
        throw new SignatureInvalidError(
          'The Stripe-Signature header has no t= timestamp or no v1= signature.',
        )
      }
      return signatureVerdict(
        verifier.matches(signatures, `${timestampText}.`, body),
        timestampText,
        'Stripe-Signature',
      )
    },
    parse({ body }) {
      const payload = parseJsonBody(body)
      if (!isJsonObject(payload) || typeof payload.id !== 'string' || typeof payload.type !== 'string') {
        throw new PayloadInvalidError('A Stripe event is a JSON object with a string "id" and "type".')
      }
      return [{ id: payload.id, type: payload.type, payload }]
    },
  }
}
