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

export interface SentryOptions {
  /** The integration's Client Secret (Settings → Developer Settings → your integration), or several while rotating. */
  clientSecret: SecretOption
}

/**
 * Sentry (integration platform): `Sentry-Hook-Signature: <hex HMAC-SHA256 of the raw body>` under the
 * integration's client secret. The type is `Sentry-Hook-Resource` plus `.action` (`issue.created`); a handler on
 * the resource alone (`issue`) receives every action. The dedup id is `Request-ID`. Sentry signs neither its
 * timestamp nor those headers, so the verified signature is reserved beside the id: a captured body replayed under
 * another id, or under another resource header to reach another handler, is a duplicate while the store remembers
 * it.
 *
 * @example
 * ```ts
 * import { sentry } from 'webhook-receiver/providers/sentry'
 * const receiver = createReceiver({ provider: sentry({ clientSecret: process.env.SENTRY_CLIENT_SECRET! }) })
 * receiver.on('issue.created', (event) => event.payload)
 * ```
 */
export function sentry<TEvents extends EventMap = EventMap>(
  options: SentryOptions,
): Provider<TEvents, string> {
  const perRequest = perRequestSecrets(options, ['clientSecret'], sentry<TEvents>)
  if (perRequest !== undefined) return perRequest
  const verifier = createHmacVerifier(
    'sha256',
    'hex',
    secretList(options?.clientSecret, 'sentry', 'clientSecret', {
      check: (secret) =>
        // Auth tokens (sntrys_…, sntryu_…) call the API; only the client secret signs webhooks.
        /^sntry[a-z]?_/.test(secret)
          ? "this is a Sentry auth token, not the integration's Client Secret. Copy the Client Secret from Settings → Developer Settings → your integration."
          : undefined,
    }),
  )
  return {
    name: 'sentry',
    // Sentry counts an answer later than 1 second as a timeout (Sentry changelog, 2023-10-03, "Change to
    // integration platform webhook handling").
    deadlineMs: 1_000,
    bodyLimit: 1024 * 1024,
    // Sentry documents no retries for integration webhooks; a day of cover against replays and resends.
    retryWindowMs: DAY_MS,
    signatureHeaders: ['Sentry-Hook-Signature'],
    verify({ headers, body }) {
      const signature = requireSignature(headers['sentry-hook-signature'], 'Sentry-Hook-Signature')
      return signatureVerdict(verifier.matches([signature], body))
    },
    parse({ headers, body }) {
      const resource = requireHeader(headers['sentry-hook-resource'], 'Sentry-Hook-Resource')
      const id = requireHeader(headers['request-id'], 'Request-ID')
      const payload = parseJsonBody(body)
      if (!isJsonObject(payload)) throw new PayloadInvalidError('A Sentry webhook body is a JSON object.')
      // Neither Request-ID nor Sentry-Hook-Resource is signed: the verified signature identifies the signed bytes.
      const replayId = headers['sentry-hook-signature']
      const action = payload.action
      return typeof action === 'string' && action !== ''
        ? [{ id, type: `${resource}.${action}`, payload, aliases: [resource], replayId }]
        : [{ id, type: resource, payload, replayId }]
    },
  }
}
