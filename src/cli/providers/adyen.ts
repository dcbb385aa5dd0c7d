import { signAdyen, type AdyenItemToSign } from '../../testing/adyen.js'
import type { Fresh } from '../fresh.js'
import {
  secretCredential,
  secretOf,
  type Sender,
  type SignInput,
  signsNoTimestamp,
  undetectableChange,
} from '../sender.js'

const MERCHANT = 'YourCompanyECOM'

/** Adyen writes event dates with an offset and no fraction: `2026-12-07T10:00:00+01:00`. */
const eventDate = (fresh: Fresh) => fresh.iso().replace(/\.\d{3}Z$/, '+00:00')

/** One NotificationRequestItem (Adyen docs, "Standard webhook" → "Structure"). */
const item = (fresh: Fresh, eventCode: string, extra: Record<string, unknown> = {}): AdyenItemToSign => ({
  additionalData: {},
  amount: { currency: 'EUR', value: 4200 },
  eventCode,
  eventDate: eventDate(fresh),
  merchantAccountCode: MERCHANT,
  merchantReference: `order-${fresh.digits(6)}`,
  paymentMethod: 'visa',
  pspReference: fresh.upper(16),
  success: 'true',
  ...extra,
})

/**
 * A --file is one NotificationRequestItem, an array of them, or a whole notification as Adyen posts it
 * (`{ live, notificationItems: [{ NotificationRequestItem }] }`, its signatures replaced by new ones).
 */
function itemsOf(payload: unknown): AdyenItemToSign[] {
  const wrapped = (payload as { notificationItems?: unknown } | null)?.notificationItems
  const list = Array.isArray(wrapped)
    ? wrapped.map((entry) => (entry as { NotificationRequestItem?: unknown } | null)?.NotificationRequestItem)
    : Array.isArray(payload)
      ? payload
      : [payload]
  // signAdyen checks each item's signed fields; the message here says what a --file may be.
  return list as AdyenItemToSign[]
}

function sign(input: SignInput) {
  try {
    return signAdyen({ payload: itemsOf(input.payload), hmacKey: secretOf(input) })
  } catch (error) {
    if (error instanceof TypeError && error.message.startsWith('signAdyen({ payload })'))
      throw new TypeError(
        'an Adyen --file is a NotificationRequestItem (or an array of them, or a notification with notificationItems), each with pspReference, merchantAccountCode, merchantReference, eventCode, success ("true"/"false") and amount { value, currency }.',
      )
    throw error
  }
}

export const adyenSender: Sender = {
  name: 'adyen',
  title: 'Adyen',
  ...secretCredential(
    "the webhook's HMAC key, hex: Customer Area → Developers → Webhooks → your webhook",
    "the webhook's HMAC key (hex), from Customer Area → Developers → Webhooks",
  ),
  noTimestamp: signsNoTimestamp('Adyen'),
  noSignedBody: undetectableChange(
    'Adyen signs eight fields of each item (pspReference, originalReference, merchant account and reference, amount, eventCode, success), not the body',
    'a byte changed elsewhere',
    'signature',
  ),
  defaultEvent: 'AUTHORISATION',
  fixtures: {
    AUTHORISATION: {
      summary: 'a card payment of 42.00 EUR was authorised',
      payload: (fresh) => [
        item(fresh, 'AUTHORISATION', {
          additionalData: {
            authCode: fresh.digits(6),
            cardSummary: '1111',
            expiryDate: '03/2030',
            'checkout.cardAddedBrand': 'visa',
          },
          operations: ['CANCEL', 'CAPTURE', 'REFUND'],
          reason: '058969:1111:03/2030',
        }),
      ],
    },
    CAPTURE: {
      summary: 'an authorised payment was captured',
      payload: (fresh) => [item(fresh, 'CAPTURE', { originalReference: fresh.upper(16) })],
    },
    REFUND: {
      summary: '12.50 EUR of a payment was refunded',
      payload: (fresh) => [
        item(fresh, 'REFUND', {
          amount: { currency: 'EUR', value: 1250 },
          originalReference: fresh.upper(16),
        }),
      ],
    },
  },
  sign,
}
