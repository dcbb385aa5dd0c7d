import { parseJsonBody } from '../body.js'
import { createHmacVerifier } from '../crypto/hmac-verifier.js'
import {
  headerFamily,
  HOUR_MS,
  perRequestSecrets,
  requireHeader,
  requireSignature,
  secretList,
  signatureVerdict,
} from '../provider-kit/index.js'
import type { EventMap } from '../types/events.js'
import type { Provider, SecretOption } from '../types/provider.js'

export interface ShopifyOptions {
  /** The app's client secret (API secret key), or several while rotating. */
  secret: SecretOption
}

/** Shopify sends `X-Shopify-*` and, on newer API versions, the same names without the `X-` prefix. */
const read = headerFamily(['x-shopify-', 'shopify-'], ['hmac-sha256', 'topic', 'event-id', 'webhook-id'])

/**
 * Shopify: `X-Shopify-Hmac-Sha256: <base64 HMAC-SHA256 of the raw body>` (and the newer lower-case `shopify-*`
 * header family). The event type is the topic (`orders/create`); the dedup id is `X-Shopify-Event-Id`, then
 * `X-Shopify-Webhook-Id`. Shopify signs no timestamp, so the dedup store is the replay protection: a completed id
 * is refused for `dedupTtlMs`. Pass your own topic → payload map to type the handlers.
 *
 * @example
 * ```ts
 * import { shopify } from 'webhook-receiver/providers/shopify'
 * const receiver = createReceiver({ provider: shopify<{ 'orders/create': Order }>({ secret: process.env.SHOPIFY_API_SECRET! }) })
 * receiver.on('orders/create', (event) => event.payload.id)
 * ```
 */
export function shopify<TEvents extends EventMap = EventMap>(options: ShopifyOptions): Provider<TEvents> {
  const perRequest = perRequestSecrets(options, ['secret'], shopify<TEvents>)
  if (perRequest !== undefined) return perRequest
  const verifier = createHmacVerifier(
    'sha256',
    'base64',
    secretList(options?.secret, 'shopify', 'secret', {
      check: (secret) =>
        // Shopify signs with the app's client secret; shpat_/shpca_/shppa_ are Admin API access tokens.
        /^shp(at|ca|pa)_/.test(secret)
          ? "this is an Admin API access token, not the app's client secret (API secret key) that signs webhooks. Copy the client secret from the app's settings."
          : undefined,
    }),
  )
  return {
    name: 'shopify',
    // Shopify waits 5 seconds for the whole response (shopify.dev, "Troubleshooting webhooks").
    deadlineMs: 5_000,
    bodyLimit: 5 * 1024 * 1024,
    // Shopify retries 8 times over 4 hours; two days of cover also refuse replays of older captured deliveries.
    retryWindowMs: 48 * HOUR_MS,
    signatureHeaders: ['X-Shopify-Hmac-Sha256', 'Shopify-Hmac-Sha256'],
    verify({ headers, body }) {
      const signature = requireSignature(read(headers, 'hmac-sha256'), 'X-Shopify-Hmac-Sha256')
      return signatureVerdict(verifier.matches([signature], body))
    },
    parse({ headers, body }) {
      const topic = requireHeader(read(headers, 'topic'), 'X-Shopify-Topic')
      const id = requireHeader(
        read(headers, 'event-id') ?? read(headers, 'webhook-id'),
        'X-Shopify-Event-Id or X-Shopify-Webhook-Id',
      )
      const payload = parseJsonBody(body)
      // The id headers are not signed: the verified signature (canonical base64) identifies the signed bytes, so a
      // captured delivery replayed under a changed X-Shopify-Event-Id is still a duplicate.
      return [{ id, type: topic, payload, replayId: read(headers, 'hmac-sha256') }]
    },
  }
}
