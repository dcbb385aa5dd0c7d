import { chain, hexEncode, hmac, importHmacKey, utf8Encode, type CryptoResult } from '#crypto'
import { isJsonObject, parseJsonBody } from '../body.js'
import { createHmacVerifier, type HmacVerifier } from '../crypto/hmac-verifier.js'
import { PayloadInvalidError, SignatureInvalidError } from '../errors.js'
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
import type { ParsedEvent, Provider, SecretOption } from '../types/provider.js'

export interface ZoomOptions {
  /** The event subscription's Secret Token (Marketplace → your app → Features → Access), or several. */
  secret: SecretOption
}

/** A Zoom event notification: `{ event, event_ts, payload }` (Zoom docs, "Using webhooks"). */
export interface ZoomEvent<TPayload = Record<string, unknown>> {
  event: string
  /** Milliseconds since the epoch. */
  event_ts: number
  payload: TPayload
}

/**
 * Zoom: `x-zm-signature: v0=<hex HMAC-SHA256 of "v0:<x-zm-request-timestamp>:<raw body>">` under the Secret Token;
 * the timestamp is held to `tolerance`. The `endpoint.url_validation` challenge (when the URL is saved, then every
 * 72 hours) is answered by the provider with `{ plainToken, encryptedToken }`, the hex HMAC-SHA256 of the plain
 * token under the secret that signed the request. Events dispatch on `event`; Zoom sends no event id, so a hash of
 * the body identifies a retry. Pass your own event map to type the handlers.
 *
 * @example
 * ```ts
 * import { zoom } from 'webhook-receiver/providers/zoom'
 * const receiver = createReceiver({ provider: zoom({ secret: process.env.ZOOM_WEBHOOK_SECRET_TOKEN! }) })
 * receiver.on('meeting.started', (event) => console.log(event.payload))
 * ```
 */
export function zoom<TEvents extends EventMap = EventMap>(options: ZoomOptions): Provider<TEvents> {
  const perRequest = perRequestSecrets(options, ['secret'], zoom<TEvents>)
  if (perRequest !== undefined) return perRequest
  const secrets = secretList(options?.secret, 'zoom', 'secret', {
    expected: "the event subscription's Secret Token",
  })
  const verifier = createHmacVerifier('sha256', 'hex', secrets)
  // The challenge is answered with the secret that signed it, so a rotation list answers for either secret.
  const perSecret = secrets.map((secret) => ({
    verifier: createHmacVerifier('sha256', 'hex', [secret]),
    key: importHmacKey('sha256', utf8Encode(secret)),
  }))
  return {
    name: 'zoom',
    // Zoom expects a 200 or 204 within 3 seconds (Zoom docs, "Using webhooks" → "Notification delivery").
    deadlineMs: 3_000,
    bodyLimit: 1024 * 1024,
    // Zoom retries 3 times, 5, 30 and 90 minutes after a failed attempt (same section): a day of cover.
    retryWindowMs: DAY_MS,
    signatureHeaders: ['x-zm-signature'],
    verify({ headers, body }) {
      const signature = requireSignature(headers['x-zm-signature'], 'x-zm-signature')
      const timestamp = requireHeader(headers['x-zm-request-timestamp'], 'x-zm-request-timestamp')
      if (!signature.startsWith('v0='))
        throw new SignatureInvalidError('The x-zm-signature header is not of the form v0=<hex>.')
      const valid = verifier.matches([signature.slice(3)], `v0:${timestamp}:`, body)
      return signatureVerdict(valid, timestamp, 'x-zm-request-timestamp')
    },
    parse({ headers, body }) {
      const payload = parseJsonBody(body)
      if (!isJsonObject(payload) || typeof payload.event !== 'string' || payload.event === '')
        throw new PayloadInvalidError('A Zoom event is a JSON object with a string "event".')
      if (payload.event !== 'endpoint.url_validation')
        return singleEvent(undefined, body, { type: payload.event, payload })
      const plainToken = isJsonObject(payload.payload) ? payload.payload.plainToken : undefined
      if (typeof plainToken !== 'string' || plainToken === '')
        throw new PayloadInvalidError('A Zoom endpoint.url_validation carries a string payload.plainToken.')
      // Both headers were read and checked in verify().
      const signed = [headers['x-zm-signature']!.slice(3)]
      const prefix = `v0:${headers['x-zm-request-timestamp']!}:`
      const signer = findSigner(perSecret, (candidate) => candidate.verifier.matches(signed, prefix, body))
      return chain(signer, (secret) =>
        chain(hmac(secret.key, [plainToken]), (digest): ParsedEvent[] =>
          challenge(payload, plainToken, hexEncode(digest)),
        ),
      )
    },
  }
}

/** The secret whose verifier accepts the request (verify() saw one did), tried in order. */
function findSigner<T extends { verifier: HmacVerifier }>(
  candidates: readonly T[],
  test: (candidate: T) => boolean | CryptoResult<boolean>,
  from = 0,
): T | CryptoResult<T> {
  const candidate = candidates[from] as T
  if (from === candidates.length - 1) return candidate
  return chain(test(candidate), (ok) => (ok ? candidate : findSigner(candidates, test, from + 1)))
}

function challenge(
  payload: Record<string, unknown>,
  plainToken: string,
  encryptedToken: string,
): ParsedEvent[] {
  return [
    {
      // Answered at once and never reserved: the id only names it.
      id: plainToken,
      type: 'endpoint.url_validation',
      payload,
      reply: {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ plainToken, encryptedToken }),
      },
    },
  ]
}
