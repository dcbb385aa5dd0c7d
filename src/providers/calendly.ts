import { isJsonObject, parseJsonBody } from '../body.js'
import { createHmacVerifier } from '../crypto/hmac-verifier.js'
import { PayloadInvalidError, SignatureInvalidError } from '../errors.js'
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

export interface CalendlyOptions {
  /** The webhook signing key (chosen for the subscription, or the OAuth app's), or several while rotating. */
  signingKey: SecretOption
}

/**
 * Calendly: `Calendly-Webhook-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">` under the
 * webhook signing key; the signed `t` is held to `tolerance`. The type is the payload's `event`
 * (`invitee.created`); Calendly sends no event id, so the dedup id is the event with the resource it is about
 * (`payload.uri`), else a hash of the body.
 *
 * @example
 * ```ts
 * import { calendly } from 'webhook-receiver/providers/calendly'
 * const receiver = createReceiver({ provider: calendly({ signingKey: process.env.CALENDLY_SIGNING_KEY! }) })
 * receiver.on('invitee.created', (event) => event.payload.payload)
 * ```
 */
export function calendly<TEvents extends EventMap = EventMap>(options: CalendlyOptions): Provider<TEvents> {
  const perRequest = perRequestSecrets(options, ['signingKey'], calendly<TEvents>)
  if (perRequest !== undefined) return perRequest
  const verifier = createHmacVerifier(
    'sha256',
    'hex',
    secretList(options?.signingKey, 'calendly', 'signingKey', {
      noun: 'key',
      expected: 'the webhook signing key',
      check: (key) =>
        // Personal access tokens and OAuth tokens are JWTs (eyJ…); they call the API and sign nothing.
        key.startsWith('eyJ')
          ? 'this is a Calendly access token, not the webhook signing key. Pass the signing_key the subscription was created with (or your OAuth app’s webhook signing key).'
          : undefined,
    }),
  )
  return {
    name: 'calendly',
    // Calendly's read timeout for webhooks is 15 seconds (API docs, "Webhook Timeouts").
    deadlineMs: 15_000,
    bodyLimit: 1024 * 1024,
    // Calendly retries a failed delivery with exponential backoff for up to 24 hours (API docs, "Webhook
    // Subscriptions"); one more day of margin.
    retryWindowMs: 2 * DAY_MS,
    signatureHeaders: ['Calendly-Webhook-Signature'],
    verify({ headers, body }) {
      const header = requireSignature(headers['calendly-webhook-signature'], 'Calendly-Webhook-Signature')
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
      if (timestampText === undefined || signatures.length === 0)
        throw new SignatureInvalidError(
          'The Calendly-Webhook-Signature header has no t= timestamp or no v1= signature.',
        )
      return signatureVerdict(
        verifier.matches(signatures, `${timestampText}.`, body),
        timestampText,
        'Calendly-Webhook-Signature',
      )
    },
    parse({ body }) {
      const payload = parseJsonBody(body)
      if (!isJsonObject(payload) || typeof payload.event !== 'string')
        throw new PayloadInvalidError('A Calendly event is a JSON object with a string "event".')
      const resource = isJsonObject(payload.payload) ? payload.payload.uri : undefined
      // One resource gets each event once (an invitee is created once, canceled once): together they name it.
      const id = typeof resource === 'string' && resource !== '' ? `${payload.event} ${resource}` : undefined
      return singleEvent(id, body, { type: payload.event, payload })
    },
  }
}
