import { all, chain, hexDecode } from '#crypto'
import { hmacText, type Signed, type SignedDelivery } from './delivery.js'

/** A notification item to sign: the fields Adyen sends (`hmacSignature` is added to `additionalData`). */
export type AdyenItemToSign = Record<string, unknown> & {
  pspReference: string
  eventCode: string
  merchantAccountCode: string
  merchantReference: string
  amount: { value: number; currency: string }
  success: string
  originalReference?: string
  additionalData?: Record<string, string>
}

/** The fields an item's signature covers are there, with the types Adyen sends (`originalReference` may be absent). */
function isSignable(item: unknown): item is AdyenItemToSign {
  const candidate = item as Partial<AdyenItemToSign> | null
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    (['pspReference', 'merchantAccountCode', 'merchantReference', 'eventCode', 'success'] as const).every(
      (name) => typeof candidate[name] === 'string',
    ) &&
    typeof candidate.amount?.value === 'number' &&
    typeof candidate.amount.currency === 'string'
  )
}

/**
 * An Adyen standard webhook: `{ live, notificationItems: [{ NotificationRequestItem }] }`, each item's
 * `additionalData.hmacSignature` the base64 HMAC-SHA256, under the hex-decoded HMAC key, of
 * `pspReference:originalReference:merchantAccountCode:merchantReference:value:currency:eventCode:success`.
 *
 * @example
 * ```ts
 * const delivery = signAdyen({
 *   payload: {
 *     pspReference: '7914073381342284', eventCode: 'AUTHORISATION', success: 'true', merchantAccountCode: 'Shop',
 *     merchantReference: 'order-1', amount: { value: 1130, currency: 'EUR' }, eventDate: '2026-12-01T10:00:00+01:00',
 *   },
 *   hmacKey,
 * })
 * ```
 */
export function signAdyen(options: {
  /** One item, or several for a batch. */
  payload: AdyenItemToSign | readonly AdyenItemToSign[]
  /** The webhook's HMAC key, hex. */
  hmacKey: string
  /** Default false (the test environment). */
  live?: boolean
}): Signed<SignedDelivery> {
  const items: readonly AdyenItemToSign[] = Array.isArray(options.payload)
    ? options.payload
    : [options.payload as AdyenItemToSign]
  if (!/^(?:[0-9a-fA-F]{2})+$/.test(options.hmacKey))
    throw new TypeError('signAdyen({ hmacKey }): an Adyen HMAC key is hex (64 characters).')
  if (!items.every(isSignable))
    throw new TypeError(
      'signAdyen({ payload }): each item needs pspReference, merchantAccountCode, merchantReference, eventCode, success ("true"/"false") and amount { value, currency }.',
    )
  const key = hexDecode(options.hmacKey.toLowerCase())
  const signatures = items.map((item) =>
    hmacText(
      'sha256',
      key,
      [
        item.pspReference,
        item.originalReference ?? '',
        item.merchantAccountCode,
        item.merchantReference,
        item.amount.value,
        item.amount.currency,
        item.eventCode,
        item.success,
      ].join(':'),
      'base64',
    ),
  )
  return chain(all(signatures), (signed): SignedDelivery => ({
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      live: String(options.live ?? false),
      notificationItems: items.map((item, index) => ({
        NotificationRequestItem: {
          ...item,
          additionalData: { ...item.additionalData, hmacSignature: signed[index] as string },
        },
      })),
    }),
  }))
}
