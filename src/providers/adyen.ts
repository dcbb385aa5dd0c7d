import { hexDecode } from '#crypto'
import { everyOf } from '../crypto/any-of.js'
import { isJsonObject, parseJsonBody } from '../body.js'
import { createHmacVerifier } from '../crypto/hmac-verifier.js'
import { PayloadInvalidError, SignatureMissingError } from '../errors.js'
import {
  DAY_MS,
  oncePerBody,
  perRequestSecrets,
  secretList,
  signatureVerdict,
} from '../provider-kit/index.js'
import type { EventMap, WebhookResponse } from '../types/events.js'
import type { ParsedEvent, Provider, SecretOption } from '../types/provider.js'

/** One notification item, as Adyen posts it (Adyen docs, "Webhook structure" → "NotificationRequestItem"). */
export interface AdyenNotificationItem {
  pspReference: string
  originalReference?: string
  merchantAccountCode: string
  merchantReference: string
  amount: { value: number; currency: string }
  /** `AUTHORISATION`, `CAPTURE`, `REFUND`, `CHARGEBACK`, … */
  eventCode: string
  eventDate: string
  /** `"true"` or `"false"`. */
  success: string
  reason?: string
  paymentMethod?: string
  operations?: string[]
  /** Holds `hmacSignature`, and whatever additional data the merchant account is set up to send. */
  additionalData?: Record<string, string | undefined>
  [field: string]: unknown
}

export interface AdyenOptions {
  /**
   * The webhook's HMAC key (Customer Area → Developers → Webhooks → your webhook → Additional settings), 64 hex
   * characters, or several while rotating.
   */
  hmacKey: SecretOption
}

/**
 * What Adyen reads from the answer: `[accepted]`, which older webhook setups require and newer ones accept
 * (Adyen docs, "Accept webhooks").
 */
const ACCEPTED: WebhookResponse = Object.freeze({
  status: 200,
  headers: Object.freeze({ 'content-type': 'text/plain' }),
  body: '[accepted]',
}) as WebhookResponse

const SIGNATURE_MISSING =
  'An Adyen notification item carries no additionalData.hmacSignature: enable "HMAC signature" for this webhook in the Customer Area, or this request was not sent by Adyen.'

/**
 * Adyen standard webhooks (payments): a JSON body of `notificationItems[]`, each item signed on its own in
 * `additionalData.hmacSignature`, the base64 HMAC-SHA256 under the hex-decoded HMAC key of
 * `pspReference:originalReference:merchantAccountCode:merchantReference:value:currency:eventCode:success`, as
 * `@adyen/api-library`'s `HmacValidator` signs it. Every item must verify, or the whole delivery is refused. Items
 * dispatch on `eventCode` (`AUTHORISATION`, `REFUND`, …) under the dedup id `<eventCode>:<pspReference>:<success>`,
 * all three signed; every answer is `[accepted]`. Adyen signs no timestamp: the dedup TTL (31 days, Adyen's retry
 * window) is the replay window. Only those eight fields are signed, so HTTPS keeps the rest of an item intact.
 *
 * @example
 * ```ts
 * import { adyen } from 'webhook-receiver/providers/adyen'
 * const receiver = createReceiver({ provider: adyen({ hmacKey: process.env.ADYEN_HMAC_KEY! }) })
 * receiver.on('AUTHORISATION', (event) => console.log(event.payload.pspReference, event.payload.success))
 * ```
 */
export function adyen<TEvents extends EventMap = Record<string, AdyenNotificationItem>>(
  options: AdyenOptions,
): Provider<TEvents> {
  const perRequest = perRequestSecrets(options, ['hmacKey'], adyen<TEvents>)
  if (perRequest !== undefined) return perRequest
  const keys = secretList(options?.hmacKey, 'adyen', 'hmacKey', {
    noun: 'key',
    expected: "the webhook's HMAC key (Customer Area → Developers → Webhooks → Additional settings)",
    check: (key) =>
      /^(?:[0-9a-fA-F]{2})+$/.test(key)
        ? undefined
        : "an Adyen HMAC key is hex (64 characters). Copy the webhook's HMAC key from the Customer Area; the API key and the client key are other credentials.",
  })
  // The key is the hex-decoded bytes, not the text (Adyen docs, "Verify HMAC signatures").
  const verifier = createHmacVerifier(
    'sha256',
    'base64',
    keys.map((key) => hexDecode(key.toLowerCase())),
  )
  // The signatures are inside the body, so verify() parses it, and parse() takes that result.
  const itemsOf = oncePerBody(notificationItems)
  return {
    name: 'adyen',
    // Adyen waits 10 seconds for the answer, then queues the webhook for retries (Adyen docs, "Webhooks" → "Accept
    // webhooks").
    deadlineMs: 10_000,
    // Adyen documents no size; a delivery carries one item, or a few: 1 MB.
    bodyLimit: 1024 * 1024,
    // Three retries within a minute, then a retry queue for up to 30 days (Adyen docs, "Troubleshoot webhooks" →
    // "Retry queue"): 31 days of cover.
    retryWindowMs: 31 * DAY_MS,
    // No signatureHeaders: each item is signed inside the body, so a POST is only refused once it is read.
    verify({ body }) {
      const items = itemsOf(body).map((item) => {
        const additional = item.additionalData
        const signature = isJsonObject(additional) ? additional.hmacSignature : undefined
        if (typeof signature !== 'string' || signature === '')
          throw new SignatureMissingError('additionalData.hmacSignature', SIGNATURE_MISSING)
        return { item, signature }
      })
      // Item after item, up to the first that does not match: a forged batch costs one HMAC, not one per item.
      return signatureVerdict(
        everyOf(items, ({ item, signature }) => verifier.matches([signature], signedData(item))),
      )
    },
    parse({ body }) {
      return itemsOf(body).map((item): ParsedEvent => {
        const { eventCode, pspReference, success } = item
        if (
          typeof eventCode !== 'string' ||
          eventCode === '' ||
          typeof pspReference !== 'string' ||
          pspReference === ''
        )
          throw new PayloadInvalidError(
            'An Adyen notification item has a string "eventCode" and "pspReference".',
          )
        // Adyen: the same eventCode and pspReference is the same event, unless success changed (an update).
        return { id: `${eventCode}:${pspReference}:${String(success)}`, type: eventCode, payload: item }
      })
    },
    reply: () => ACCEPTED,
  }
}

/** The items of `{ live, notificationItems: [{ NotificationRequestItem: {…} }] }`; without any, nothing is signed. */
function notificationItems(body: Uint8Array): Record<string, unknown>[] {
  let payload: unknown
  try {
    payload = parseJsonBody(body)
  } catch {
    throw new SignatureMissingError('additionalData.hmacSignature', SIGNATURE_MISSING)
  }
  const list = isJsonObject(payload) ? payload.notificationItems : undefined
  if (!Array.isArray(list) || list.length === 0)
    throw new SignatureMissingError('additionalData.hmacSignature', SIGNATURE_MISSING)
  return list.map((entry: unknown) => {
    const item = isJsonObject(entry) ? entry.NotificationRequestItem : undefined
    if (!isJsonObject(item))
      throw new SignatureMissingError('additionalData.hmacSignature', SIGNATURE_MISSING)
    return item
  })
}

/**
 * The eight signed fields joined with ':', each written as JavaScript's `Array.prototype.join` writes it (absent
 * or null: empty), as `HmacValidator.getDataToSign` of `@adyen/api-library` builds it.
 */
function signedData(item: Record<string, unknown>): string {
  const amount = isJsonObject(item.amount) ? item.amount : {}
  return [
    item.pspReference,
    item.originalReference,
    item.merchantAccountCode,
    item.merchantReference,
    amount.value,
    amount.currency,
    item.eventCode,
    item.success,
  ]
    .map(fieldText)
    .join(':')
}

/**
 * A signed field's text. Adyen signs strings and numbers only; an object or array in a signed field (never sent by
 * Adyen) is written as a NUL, which no signature Adyen made can match, rather than converted (a JSON object with a
 * `toString` key would throw).
 */
function fieldText(value: unknown): string {
  if (value === undefined || value === null) return ''
  return typeof value === 'object' ? '\u0000' : String(value)
}
