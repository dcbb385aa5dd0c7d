import { chain, randomUUID } from '#crypto'
import { hmacText, serialise, type Signed, type SignedDelivery, type SignOptions } from './delivery.js'

/**
 * A Shopify delivery: `X-Shopify-Hmac-Sha256` (base64 HMAC-SHA256 of the body), `X-Shopify-Topic`,
 * `X-Shopify-Event-Id`, `X-Shopify-Webhook-Id`, `X-Shopify-Shop-Domain`, `X-Shopify-Triggered-At`.
 *
 * @example
 * ```ts
 * const delivery = signShopify({ topic: 'orders/create', payload: { id: 1 }, secret })
 * ```
 */
export function signShopify(
  options: SignOptions & {
    secret: string
    topic: string
    eventId?: string
    webhookId?: string
    shop?: string
  },
): Signed<SignedDelivery> {
  const body = serialise(options.payload)
  return chain(hmacText('sha256', options.secret, body, 'base64'), (signature): SignedDelivery => ({
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-shopify-hmac-sha256': signature,
      'x-shopify-topic': options.topic,
      'x-shopify-event-id': options.eventId ?? randomUUID(),
      'x-shopify-webhook-id': options.webhookId ?? randomUUID(),
      'x-shopify-shop-domain': options.shop ?? 'example.myshopify.com',
      'x-shopify-api-version': '2025-10',
      'x-shopify-triggered-at': new Date((options.timestamp ?? Date.now() / 1000) * 1000).toISOString(),
    },
    body,
  }))
}
