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

export interface IntercomOptions {
  /** The app's client secret (Developer Hub → your app → Basic Information), or several while rotating. */
  clientSecret: SecretOption
}

const SIGNATURE_PREFIX = 'sha1='

/**
 * Intercom: `X-Hub-Signature: sha1=<hex HMAC-SHA1 of the raw body>` under the app's client secret. The body is a
 * notification `{ type: 'notification_event', id, topic, data: { item }, delivery_attempts, … }`: the dedup id is
 * its `id`, the type its `topic` (`conversation.user.created`), `delivery_attempts` the attempt. The `ping` a
 * subscription sends when it is saved is an event like the others (Intercom only needs the 200 it gets either
 * way). No signed timestamp: the id is signed, so the dedup store refuses a replay while it remembers it.
 *
 * @example
 * ```ts
 * import { intercom } from 'webhook-receiver/providers/intercom'
 * const receiver = createReceiver({ provider: intercom({ clientSecret: process.env.INTERCOM_CLIENT_SECRET! }) })
 * receiver.on('conversation.user.created', (event) => event.payload.data.item)
 * ```
 */
export function intercom<TEvents extends EventMap = EventMap>(options: IntercomOptions): Provider<TEvents> {
  const perRequest = perRequestSecrets(options, ['clientSecret'], intercom<TEvents>)
  if (perRequest !== undefined) return perRequest
  const verifier = createHmacVerifier(
    'sha1',
    'hex',
    secretList(options?.clientSecret, 'intercom', 'clientSecret', {
      check: (secret) =>
        // Access tokens are base64 of "tok:…" (dG9rO…); they call the API and sign nothing.
        secret.startsWith('dG9rO')
          ? 'this is an access token, not the client secret. Copy the Client secret from Developer Hub → your app → Basic Information.'
          : undefined,
    }),
  )
  return {
    name: 'intercom',
    // Intercom times a notification out after 5 seconds (Webhooks docs, "Handling notifications").
    deadlineMs: 5_000,
    bodyLimit: 1024 * 1024,
    // A failed or timed-out notification is retried once, a minute later (Webhooks docs, "Handling
    // notifications"); a day of cover.
    retryWindowMs: DAY_MS,
    signatureHeaders: ['X-Hub-Signature'],
    verify({ headers, body }) {
      const header = requireSignature(headers['x-hub-signature'], 'X-Hub-Signature')
      if (!header.startsWith(SIGNATURE_PREFIX))
        throw new SignatureInvalidError('The X-Hub-Signature header is not of the form sha1=<hex>.')
      return signatureVerdict(verifier.matches([header.slice(SIGNATURE_PREFIX.length)], body))
    },
    parse({ body }) {
      const payload = parseJsonBody(body)
      if (!isJsonObject(payload) || typeof payload.id !== 'string' || typeof payload.topic !== 'string')
        throw new PayloadInvalidError(
          'An Intercom notification is a JSON object with a string "id" and "topic".',
        )
      const attempt = payload.delivery_attempts
      return [
        {
          id: payload.id,
          type: payload.topic,
          payload,
          ...(Number.isInteger(attempt) && (attempt as number) > 0 ? { attempt: attempt as number } : {}),
        },
      ]
    },
  }
}
