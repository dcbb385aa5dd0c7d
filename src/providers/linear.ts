import { chain } from '#crypto'
import { isJsonObject, parseJsonBody } from '../body.js'
import { createHmacVerifier } from '../crypto/hmac-verifier.js'
import { PayloadInvalidError, TimestampInvalidError } from '../errors.js'
import {
  DAY_MS,
  oncePerBody,
  perRequestSecrets,
  requireHeader,
  requireSignature,
  secretList,
  signatureVerdict,
} from '../provider-kit/index.js'
import type { EventMap } from '../types/events.js'
import type { Provider, SecretOption } from '../types/provider.js'

export interface LinearOptions {
  /** The webhook's signing secret (`lin_wh_…`, Settings → API → Webhooks), or several while rotating. */
  secret: SecretOption
}

/**
 * Linear: `Linear-Signature: <hex HMAC-SHA256 of the raw body>`. The signed timestamp is the body's
 * `webhookTimestamp` (milliseconds), held to `tolerance` as `@linear/sdk` holds it to a minute. The type is the
 * payload's `type` (`Issue`, `Comment`), as the SDK dispatches it, so `@linear/sdk/webhooks`'
 * `LinearWebhookEventTypeMap` types the handlers; the dedup id is `Linear-Delivery`, with the verified signature
 * reserved beside it since that header is not signed.
 *
 * @example
 * ```ts
 * import type { LinearWebhookEventTypeMap } from '@linear/sdk/webhooks'
 * import { linear } from 'webhook-receiver/providers/linear'
 * const receiver = createReceiver({ provider: linear<LinearWebhookEventTypeMap>({ secret: process.env.LINEAR_WEBHOOK_SECRET! }) })
 * receiver.on('Issue', (event) => event.payload.data.title)
 * ```
 */
export function linear<TEvents extends EventMap = EventMap>(options: LinearOptions): Provider<TEvents> {
  const perRequest = perRequestSecrets(options, ['secret'], linear<TEvents>)
  if (perRequest !== undefined) return perRequest
  const verifier = createHmacVerifier(
    'sha256',
    'hex',
    secretList(options?.secret, 'linear', 'secret', {
      check: (secret) =>
        // Personal API keys (lin_api_…) and OAuth tokens (lin_oauth_…) call the API; webhooks are signed with lin_wh_….
        /^lin_(api|oauth)_/.test(secret)
          ? "this is a Linear API key, not the webhook's signing secret. Copy the signing secret from Settings → API → Webhooks → your webhook."
          : undefined,
    }),
  )
  // The timestamp is inside the body, so verify() parses it, and parse() takes that result.
  const payloadOf = oncePerBody((body): Record<string, unknown> => {
    const payload = parseJsonBody(body)
    if (!isJsonObject(payload)) throw new PayloadInvalidError('A Linear webhook body is a JSON object.')
    return payload
  })
  return {
    name: 'linear',
    // Linear expects an answer within 5 seconds (Linear docs, "Webhooks", Receiving webhooks).
    deadlineMs: 5_000,
    bodyLimit: 5 * 1024 * 1024,
    // A failed delivery is retried after 1 minute, 1 hour and 6 hours (Linear docs, "Webhooks", Retries); a day of
    // cover.
    retryWindowMs: DAY_MS,
    signatureHeaders: ['Linear-Signature'],
    verify({ headers, body }) {
      const signature = requireSignature(headers['linear-signature'], 'Linear-Signature')
      return chain(signatureVerdict(verifier.matches([signature], body)), () => {
        const milliseconds = payloadOf(body).webhookTimestamp
        if (typeof milliseconds !== 'number' || !Number.isSafeInteger(milliseconds) || milliseconds < 0)
          throw new TimestampInvalidError('webhookTimestamp')
        return Math.floor(milliseconds / 1000)
      })
    },
    parse({ headers, body }) {
      const id = requireHeader(headers['linear-delivery'], 'Linear-Delivery')
      const payload = payloadOf(body)
      if (typeof payload.type !== 'string')
        throw new PayloadInvalidError('A Linear webhook body has a string "type".')
      // Linear-Delivery is not signed: the verified signature identifies the signed bytes.
      return [{ id, type: payload.type, payload, replayId: headers['linear-signature'] }]
    },
  }
}
