import { isJsonObject, parseJsonBody } from '../body.js'
import { createHmacVerifier } from '../crypto/hmac-verifier.js'
import { PayloadInvalidError, SignatureInvalidError } from '../errors.js'
import {
  DAY_MS,
  perRequestSecrets,
  readRfc3339Timestamp,
  requireHeader,
  requireSignature,
  secretList,
  signatureVerdict,
} from '../provider-kit/index.js'
import type { EventMap } from '../types/events.js'
import type { ParsedEvent, Provider, SecretOption } from '../types/provider.js'

/** An EventSub subscription, as every message carries it (Twitch docs, "EventSub Reference"). */
export interface TwitchSubscription {
  id: string
  /** The subscription type, e.g. `channel.follow`. */
  type: string
  version: string
  /** `enabled`, or why it was revoked: `authorization_revoked`, `user_removed`, `notification_failures_exceeded`, … */
  status: string
  cost: number
  condition: Record<string, unknown>
  transport: { method: 'webhook'; callback: string }
  created_at: string
}

/** A notification: the subscription and its event. */
export interface TwitchNotification<TEvent = Record<string, unknown>> {
  subscription: TwitchSubscription
  event: TEvent
}

/** A revocation: the subscription, whose `status` says why Twitch revoked it. */
export interface TwitchRevocation {
  subscription: TwitchSubscription
}

export interface TwitchOptions {
  /** The secret passed in `transport.secret` when the subscriptions were created, or several. */
  secret: SecretOption
}

const CALLBACK_VERIFICATION = 'webhook_callback_verification'

/**
 * Twitch EventSub webhooks: `Twitch-Eventsub-Message-Signature: sha256=<hex HMAC-SHA256 of "<message id><message
 * timestamp><raw body>">`; the RFC 3339 timestamp is held to Twitch's own 10 minutes unless `tolerance` is set. The
 * `webhook_callback_verification` challenge is answered by the provider with the raw challenge as `text/plain`.
 * Notifications dispatch on the subscription type (`channel.follow`), revocations as `revocation`; the dedup id is
 * `Twitch-Eventsub-Message-Id`, which is signed. The kind of message is read from the signed body, not from the
 * unsigned `Twitch-Eventsub-Message-Type` header. Pass your own event map to type the events.
 *
 * @example
 * ```ts
 * import { twitch } from 'webhook-receiver/providers/twitch'
 * const receiver = createReceiver({ provider: twitch({ secret: process.env.TWITCH_EVENTSUB_SECRET! }) })
 * receiver.on('channel.follow', (event) => console.log(event.payload))
 * receiver.on('revocation', (event) => console.warn('subscription revoked', event.payload))
 * ```
 */
export function twitch<TEvents extends EventMap = EventMap>(options: TwitchOptions): Provider<TEvents> {
  const perRequest = perRequestSecrets(options, ['secret'], twitch<TEvents>)
  if (perRequest !== undefined) return perRequest
  const verifier = createHmacVerifier(
    'sha256',
    'hex',
    secretList(options?.secret, 'twitch', 'secret', {
      expected: 'the transport.secret your EventSub subscriptions were created with',
      // Twitch requires a subscription secret of 10 to 100 ASCII characters (Twitch docs, "Managing Subscriptions").
      check: (secret) =>
        secret.length < 10 || secret.length > 100
          ? 'an EventSub secret is 10 to 100 characters long (the transport.secret of the subscription); the client secret and access tokens are other credentials.'
          : undefined,
    }),
  )
  return {
    name: 'twitch',
    // Twitch wants an answer "within a few seconds", else the request times out and failures revoke the
    // subscription (Twitch docs, "Handling Webhook Events"): answer within 3 s.
    deadlineMs: 3_000,
    bodyLimit: 1024 * 1024,
    // Twitch resends a notification it is unsure was received, with the same message id (Twitch docs, "EventSub",
    // "Handling duplicate events"), on an undocumented schedule: a day of cover.
    retryWindowMs: DAY_MS,
    signatureHeaders: ['Twitch-Eventsub-Message-Signature'],
    // "Make sure the value in the timestamp isn't older than 10 minutes" (Twitch docs, "Verifying the event message").
    toleranceSeconds: 600,
    verify({ headers, body }) {
      const signature = requireSignature(
        headers['twitch-eventsub-message-signature'],
        'Twitch-Eventsub-Message-Signature',
      )
      const id = requireHeader(headers['twitch-eventsub-message-id'], 'Twitch-Eventsub-Message-Id')
      const timestamp = requireHeader(
        headers['twitch-eventsub-message-timestamp'],
        'Twitch-Eventsub-Message-Timestamp',
      )
      if (!signature.startsWith('sha256='))
        throw new SignatureInvalidError(
          'The Twitch-Eventsub-Message-Signature is not of the form sha256=<hex>.',
        )
      const valid = verifier.matches([signature.slice(7)], id, timestamp, body)
      return signatureVerdict(valid, timestamp, 'Twitch-Eventsub-Message-Timestamp', readRfc3339Timestamp)
    },
    parse({ headers, body }) {
      // Checked in verify(); signed, with the timestamp and the body.
      const id = headers['twitch-eventsub-message-id'] as string
      const retries = Number(headers['twitch-eventsub-message-retry'] ?? 0)
      const attempt = Number.isInteger(retries) && retries >= 0 ? retries + 1 : 1
      const payload = parseJsonBody(body)
      const subscription = isJsonObject(payload) ? payload.subscription : undefined
      if (!isJsonObject(payload) || !isJsonObject(subscription) || typeof subscription.type !== 'string')
        throw new PayloadInvalidError('A Twitch EventSub message has a "subscription" with a string "type".')
      if (typeof payload.challenge === 'string') return [verification(id, payload, payload.challenge)]
      if (isJsonObject(payload.event)) return [{ id, type: subscription.type, payload, attempt }]
      return [{ id, type: 'revocation', payload, attempt }]
    },
  }
}

/** Twitch's challenge: answered 200 with the raw challenge as text/plain (Twitch docs, "Responding to a challenge request"). */
function verification(id: string, payload: Record<string, unknown>, challenge: string): ParsedEvent {
  return {
    id,
    type: CALLBACK_VERIFICATION,
    payload,
    reply: { status: 200, headers: { 'content-type': 'text/plain' }, body: challenge },
  }
}
