import { parseJsonBody } from '../body.js'
import { createHmacVerifier } from '../crypto/hmac-verifier.js'
import { HeaderMissingError, SignatureMissingError } from '../errors.js'
import type { EventMap } from '../types/events.js'
import type { Provider, SignedRequest } from '../types/provider.js'
import { secretList } from './secrets.js'
import { verdict } from './verdict.js'

export interface ShopifyOptions {
  /** The app's client secret (API secret key), or several while rotating. */
  secret: string | readonly string[]
}

const HOUR_MS = 60 * 60 * 1000

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
  const verifier = createHmacVerifier(
    'sha256',
    'base64',
    secretList(options?.secret, 'shopify', 'secret', (secret) =>
      // Shopify signs with the app's client secret; shpat_/shpca_/shppa_ are Admin API access tokens.
      /^shp(at|ca|pa)_/.test(secret)
        ? "this is an Admin API access token, not the app's client secret (API secret key) that signs webhooks. Copy the client secret from the app's settings."
        : undefined,
    ),
  )
  return {
    name: 'shopify',
    // Shopify waits 5 seconds for the whole response (shopify.dev, "Troubleshooting webhooks").
    deadlineMs: 5_000,
    bodyLimit: 5 * 1024 * 1024,
    // Shopify retries 8 times over 4 hours; two days of cover also refuse replays of older captured deliveries.
    retryWindowMs: 48 * HOUR_MS,
    verify(request) {
      const signature = read(request, 'hmac-sha256')
      if (signature === undefined) throw new SignatureMissingError('X-Shopify-Hmac-Sha256')
      return verdict(verifier.matches([signature], request.body))
    },
    parse(request) {
      const topic = read(request, 'topic')
      if (topic === undefined) throw new HeaderMissingError('X-Shopify-Topic')
      const id = read(request, 'event-id') ?? read(request, 'webhook-id')
      if (id === undefined) throw new HeaderMissingError('X-Shopify-Event-Id or X-Shopify-Webhook-Id')
      const payload = parseJsonBody(request.body)
      // The id headers are not signed: the verified signature (canonical base64) identifies the signed bytes, so a
      // captured delivery replayed under a changed X-Shopify-Event-Id is still a duplicate.
      return [{ id, type: topic, payload, replayId: read(request, 'hmac-sha256') }]
    },
  }
}

/** Shopify sends `X-Shopify-*` and, on newer API versions, the same names without the `X-` prefix. */
function read(request: SignedRequest, name: string): string | undefined {
  const value = request.headers[`x-shopify-${name}`] ?? request.headers[`shopify-${name}`]
  return value === '' ? undefined : value
}
