import { chain, randomUUID } from '#crypto'
import {
  hmacText,
  nowSeconds,
  serialise,
  type Signed,
  type SignedDelivery,
  type SignOptions,
} from './delivery.js'

/**
 * A Twitch EventSub webhook message: `Twitch-Eventsub-Message-Signature: sha256=<hex HMAC-SHA256 of "<id><timestamp>
 * <body>">` under the subscription's secret, the RFC 3339 timestamp with nanoseconds as Twitch writes it, and the
 * message and subscription type headers read from the payload (a `challenge` is a callback verification, an `event`
 * a notification, else a revocation).
 *
 * @example
 * ```ts
 * const delivery = signTwitch({ payload: { subscription: { type: 'channel.follow' }, event: {} }, secret })
 * ```
 */
export function signTwitch(
  options: SignOptions & { secret: string; messageId?: string; retry?: number },
): Signed<SignedDelivery> {
  const body = serialise(options.payload)
  const id = options.messageId ?? randomUUID()
  // Twitch writes nanoseconds; a Date has milliseconds.
  const timestamp = new Date((options.timestamp ?? nowSeconds()) * 1000).toISOString().replace('Z', '000000Z')
  const payload = (
    typeof options.payload === 'object' && options.payload !== null ? options.payload : {}
  ) as {
    challenge?: unknown
    event?: unknown
    subscription?: { type?: unknown; version?: unknown }
  }
  const type =
    payload.challenge !== undefined
      ? 'webhook_callback_verification'
      : payload.event !== undefined
        ? 'notification'
        : 'revocation'
  return chain(hmacText('sha256', options.secret, id + timestamp + body, 'hex'), (digest) => ({
    method: 'POST' as const,
    headers: {
      'content-type': 'application/json',
      'twitch-eventsub-message-id': id,
      'twitch-eventsub-message-retry': String(options.retry ?? 0),
      'twitch-eventsub-message-type': type,
      'twitch-eventsub-message-signature': `sha256=${digest}`,
      'twitch-eventsub-message-timestamp': timestamp,
      'twitch-eventsub-subscription-type': String(payload.subscription?.type ?? ''),
      'twitch-eventsub-subscription-version': String(payload.subscription?.version ?? '1'),
    },
    body,
  }))
}
