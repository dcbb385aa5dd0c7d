import { chain } from '#crypto'
import { hmacText, nowSeconds, serialise, type Signed, type SignedDelivery } from './delivery.js'

/**
 * A HubSpot (v3) request: `X-HubSpot-Signature-v3`, the base64 HMAC-SHA256 of method, URL, body and
 * `X-HubSpot-Request-Timestamp` (milliseconds), under the app's client secret. `payload` is usually the batch, an
 * array of events.
 *
 * @example
 * ```ts
 * const delivery = signHubSpot({ payload: [{ eventId: 1, subscriptionType: 'contact.creation', objectId: 123 }], clientSecret, url: 'https://example.com/hubspot' })
 * ```
 */
export function signHubSpot(options: {
  payload: unknown
  clientSecret: string
  /** The URL HubSpot calls, exactly as it signs it. */
  url: string
  /** Signing time in seconds since the epoch. Default: now. */
  timestamp?: number
}): Signed<SignedDelivery> {
  const body = serialise(options.payload)
  const timestamp = String((options.timestamp ?? nowSeconds()) * 1000)
  return chain(
    hmacText('sha256', options.clientSecret, `POST${options.url}${body}${timestamp}`, 'base64'),
    (signature): SignedDelivery => ({
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hubspot-signature-v3': signature,
        'x-hubspot-request-timestamp': timestamp,
      },
      body,
    }),
  )
}
