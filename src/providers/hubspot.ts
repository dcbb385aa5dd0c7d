import { chain } from '#crypto'
import { isJsonObject, parseJsonBody } from '../body.js'
import { createHmacVerifier } from '../crypto/hmac-verifier.js'
import { PayloadInvalidError, TimestampInvalidError } from '../errors.js'
import {
  DAY_MS,
  perRequestSecrets,
  requireHeader,
  requireSignature,
  secretList,
  signatureVerdict,
  singleEvent,
} from '../provider-kit/index.js'
import type { EventMap } from '../types/events.js'
import type { ParsedEvent, Provider, SecretOption, SignedRequest } from '../types/provider.js'

export interface HubSpotOptions {
  /** The app's client secret (your app → Auth), or several while rotating. */
  clientSecret: SecretOption
  /**
   * The public URL HubSpot calls, as set in the app (`https://example.com/webhooks/hubspot`); the request's query
   * string is appended to it. Or a function of the request that returns the whole URL. HubSpot signs this URL, so it
   * is never rebuilt from the request's Host or from forwarded headers.
   */
  url: string | ((request: SignedRequest) => string)
}

/** Milliseconds since the epoch: digits only, at most 15 of them. */
const MILLISECONDS = /^\d{1,15}$/
/**
 * The characters HubSpot decodes in the URI before signing (HubSpot docs, "Validating requests", v3 signature);
 * any other escape is signed as sent.
 */
const DECODED: Readonly<Record<string, string>> = {
  '%3A': ':',
  '%2F': '/',
  '%3F': '?',
  '%40': '@',
  '%21': '!',
  '%24': '$',
  '%27': "'",
  '%28': '(',
  '%29': ')',
  '%2A': '*',
  '%2C': ',',
  '%3B': ';',
}
const ESCAPE = /%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi

/**
 * HubSpot (v3): `X-HubSpot-Signature-v3: <base64 HMAC-SHA256 of "<method><URI><raw body><timestamp>">` under the
 * app's client secret, with `X-HubSpot-Request-Timestamp` (milliseconds) held to `tolerance` (HubSpot asks for
 * 5 minutes, the default). A delivery is a batch: each item is an event under its `eventId`, typed by its
 * `subscriptionType` (`contact.creation`), its `attemptNumber` (from 0) giving the attempt. Any other JSON body (a
 * workflow action's callback) is one `hubspot` event under a hash of the body.
 *
 * @example
 * ```ts
 * import { hubspot } from 'webhook-receiver/providers/hubspot'
 * const receiver = createReceiver({
 *   provider: hubspot({ clientSecret: process.env.HUBSPOT_CLIENT_SECRET!, url: 'https://example.com/webhooks/hubspot' }),
 * })
 * receiver.on('contact.creation', (event) => event.payload.objectId)
 * ```
 */
export function hubspot<TEvents extends EventMap = EventMap>(options: HubSpotOptions): Provider<TEvents> {
  const perRequest = perRequestSecrets(options, ['clientSecret'], hubspot<TEvents>)
  if (perRequest !== undefined) return perRequest
  const verifier = createHmacVerifier(
    'sha256',
    'base64',
    secretList(options?.clientSecret, 'hubspot', 'clientSecret', {
      check: (secret) =>
        // Private app and personal access tokens (pat-…) call the API; only the client secret signs requests.
        secret.startsWith('pat-')
          ? "this is a HubSpot access token, not the app's client secret. Copy the Client secret from your app → Auth."
          : undefined,
    }),
  )
  const configured = options.url
  if (typeof configured !== 'function' && !/^https?:\/\/[^/?#]+/i.test(configured ?? '')) {
    throw new TypeError(
      'hubspot({ url }): pass the public URL HubSpot calls, as set in your app (https://…); HubSpot signs it.',
    )
  }
  const uriOf = (request: SignedRequest): string => {
    if (typeof configured === 'function') return configured(request)
    const query = request.url.indexOf('?')
    return query < 0 || configured.includes('?') ? configured : configured + request.url.slice(query)
  }
  return {
    name: 'hubspot',
    // HubSpot times a webhook request out after 5 seconds (HubSpot docs, "Webhooks API", Retries).
    deadlineMs: 5_000,
    // A request carries at most 100 events (HubSpot docs, "Webhooks API", Webhook payloads).
    bodyLimit: 1024 * 1024,
    // A failed notification is retried up to 10 times over the next 24 hours (HubSpot docs, "Webhooks API",
    // Retries); one more day of margin.
    retryWindowMs: 2 * DAY_MS,
    signatureHeaders: ['X-HubSpot-Signature-v3'],
    verify(request) {
      const { headers, body } = request
      const signature = requireSignature(headers['x-hubspot-signature-v3'], 'X-HubSpot-Signature-v3')
      const timestamp = requireHeader(headers['x-hubspot-request-timestamp'], 'X-HubSpot-Request-Timestamp')
      const uri = uriOf(request).replace(ESCAPE, (escape) => DECODED[escape.toUpperCase()] ?? escape)
      const valid = verifier.matches([signature], request.method.toUpperCase() + uri, body, timestamp)
      return chain(signatureVerdict(valid), () => {
        if (!MILLISECONDS.test(timestamp)) throw new TimestampInvalidError('X-HubSpot-Request-Timestamp')
        return Math.floor(Number(timestamp) / 1000)
      })
    },
    parse({ body }) {
      const payload = parseJsonBody(body)
      if (!Array.isArray(payload)) {
        if (!isJsonObject(payload))
          throw new PayloadInvalidError('A HubSpot request body is a JSON array or object.')
        return singleEvent(undefined, body, { type: 'hubspot', payload })
      }
      return payload.map((item): ParsedEvent => {
        if (
          !isJsonObject(item) ||
          !Number.isSafeInteger(item.eventId) ||
          typeof item.subscriptionType !== 'string'
        )
          throw new PayloadInvalidError(
            'Each HubSpot event has a numeric "eventId" and a string "subscriptionType".',
          )
        const attempt = item.attemptNumber
        return {
          id: String(item.eventId),
          type: item.subscriptionType,
          payload: item,
          ...(Number.isSafeInteger(attempt) && (attempt as number) >= 0
            ? { attempt: (attempt as number) + 1 }
            : {}),
        }
      })
    },
  }
}
