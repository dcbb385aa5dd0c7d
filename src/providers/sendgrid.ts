import { all, chain, concatBytes, verifySignature } from '#crypto'
import { isJsonObject, parseJsonBody } from '../body.js'
import { anyOf } from '../crypto/any-of.js'
import { contentId } from '../crypto/content-id.js'
import { derToP1363 } from '../crypto/ecdsa-signature.js'
import { decodeSignature } from '../crypto/encoding.js'
import { readP256PublicKey } from '../crypto/public-key.js'
import { BodyMalformedError } from '../errors.js'
import {
  DAY_MS,
  perRequestSecrets,
  requireHeader,
  requireSignature,
  secretList,
  signatureVerdict,
} from '../provider-kit/index.js'
import type { Provider, SecretOption } from '../types/provider.js'

/** One item of a SendGrid Event Webhook batch (fields vary by event; these are always present). */
export interface SendGridEvent {
  email: string
  timestamp: number
  event: string
  sg_event_id: string
  sg_message_id?: string
  [field: string]: unknown
}

/** SendGrid event names (`delivered`, `bounce`, …) mapped to the item type. */
export type SendGridEventMap = Record<
  | 'processed'
  | 'dropped'
  | 'delivered'
  | 'deferred'
  | 'bounce'
  | 'open'
  | 'click'
  | 'spamreport'
  | 'unsubscribe'
  | 'group_unsubscribe'
  | 'group_resubscribe',
  SendGridEvent
>

export interface SendGridOptions {
  /** The Event Webhook's verification key (base64 DER or PEM), or several while rotating. */
  publicKey: SecretOption
}

const SIGNATURE_HEADER = 'x-twilio-email-event-webhook-signature'
const TIMESTAMP_HEADER = 'x-twilio-email-event-webhook-timestamp'

/**
 * SendGrid Event Webhook: `X-Twilio-Email-Event-Webhook-Signature` is a base64 DER ECDSA P-256/SHA-256 signature of
 * `<X-Twilio-Email-Event-Webhook-Timestamp><raw body>`. A delivery is a JSON array: every item is its own event
 * (type `item.event`, dedup id `item.sg_event_id`), deduplicated and dispatched on its own, so a retried batch runs
 * only the items that were not handled yet.
 *
 * @example
 * ```ts
 * import { sendgrid } from 'webhook-receiver/providers/sendgrid'
 * const receiver = createReceiver({ provider: sendgrid({ publicKey: process.env.SENDGRID_WEBHOOK_PUBLIC_KEY! }) })
 * receiver.on(['bounce', 'dropped'], (event) => suppress(event.payload.email))
 * ```
 */
export function sendgrid(options: SendGridOptions): Provider<SendGridEventMap> {
  const perRequest = perRequestSecrets(options, ['publicKey'], sendgrid)
  if (perRequest !== undefined) return perRequest
  // A PEM block ends with a newline by nature; the base64 form SendGrid shows must be pasted exactly.
  const keys = secretList(options?.publicKey, 'sendgrid', 'publicKey', {
    noun: 'key',
    expected: 'the Event Webhook verification key (Settings → Mail Settings → Event Webhook)',
    pem: true,
  }).map((text) => readP256PublicKey(text, 'sendgrid({ publicKey })'))
  return {
    name: 'sendgrid',
    // SendGrid documents no exact timeout; answering within 10 s keeps a batch from being retried.
    deadlineMs: 10_000,
    bodyLimit: 5 * 1024 * 1024,
    // SendGrid retries failed POSTs for up to 24 hours; two days of cover.
    retryWindowMs: 2 * DAY_MS,
    signatureHeaders: ['X-Twilio-Email-Event-Webhook-Signature'],
    verify({ headers, body }) {
      const signatureText = requireSignature(
        headers[SIGNATURE_HEADER],
        'X-Twilio-Email-Event-Webhook-Signature',
      )
      const timestampText = requireHeader(headers[TIMESTAMP_HEADER], 'X-Twilio-Email-Event-Webhook-Timestamp')
      // SendGrid sends DER; both builds verify r‖s, so a malformed DER is refused the same way everywhere.
      const der = decodeSignature(signatureText, 'base64')
      const signature = der === undefined ? undefined : derToP1363(der)
      if (signature === undefined) return signatureVerdict(false)
      // ECDSA verifies one buffer: the timestamp and the body are joined once, for this check only.
      const signed = concatBytes([timestampText, body])
      return signatureVerdict(
        anyOf(keys, (key) => verifySignature(key, signed, signature)),
        timestampText,
        'X-Twilio-Email-Event-Webhook-Timestamp',
      )
    },
    parse({ body }) {
      const batch = parseJsonBody(body)
      if (!Array.isArray(batch)) throw new BodyMalformedError('a SendGrid event batch (a JSON array)')
      // One malformed item must not drop the others: it is still dispatched (to onAny) under a stable fallback id,
      // a hash of its position and of the body. The body is hashed once for the whole batch: once per item would
      // cost time quadratic in its size.
      const eventId = (item: unknown): string | undefined =>
        isJsonObject(item) && typeof item.sg_event_id === 'string' ? item.sg_event_id : undefined
      const events = (ids: readonly string[]) =>
        batch.map((item: unknown, index) => ({
          id: ids[index] as string,
          type: isJsonObject(item) && typeof item.event === 'string' ? item.event : '',
          payload: item,
        }))
      const ids = batch.map(eventId)
      if (!ids.includes(undefined)) return events(ids as string[])
      return chain(contentId(body), (bodyId) =>
        chain(all(ids.map((id, index) => id ?? contentId(String(index), ':', bodyId))), (resolved) =>
          events(resolved),
        ),
      )
    },
  }
}
