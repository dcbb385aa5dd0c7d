import { all, chain } from '#crypto'
import { hmacText, serialise, type Signed, type SignedDelivery, type SignOptions } from './delivery.js'

/**
 * A Meta webhook delivery (Graph API, Messenger, Instagram, WhatsApp): `X-Hub-Signature-256: sha256=<hex
 * HMAC-SHA256 of the body>` under the App Secret, and the legacy `X-Hub-Signature: sha1=…` Meta sends beside it.
 *
 * @example
 * ```ts
 * const delivery = signMeta({
 *   payload: { object: 'page', entry: [{ id: '1', time: 1700000000, changes: [{ field: 'feed', value: {} }] }] },
 *   appSecret,
 * })
 * ```
 */
export function signMeta(
  options: Omit<SignOptions, 'timestamp'> & { appSecret: string },
): Signed<SignedDelivery> {
  const body = serialise(options.payload)
  return chain(
    all([
      hmacText('sha256', options.appSecret, body, 'hex'),
      hmacText('sha1', options.appSecret, body, 'hex'),
    ]),
    ([sha256, sha1]): SignedDelivery => ({
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': `sha256=${sha256}`,
        'x-hub-signature': `sha1=${sha1}`,
      },
      body,
    }),
  )
}

/** The GET request Meta sends when the callback URL is saved (Graph API docs, "Verification Requests"). */
export interface MetaVerificationRequest {
  method: 'GET'
  url: string
  headers: Record<string, string>
  body: ''
}

/**
 * Meta's verification request for `url`: `hub.mode=subscribe`, `hub.verify_token` and `hub.challenge` in the query.
 * The receiver answers 200 with the challenge as text when the token is its `verifyToken`.
 *
 * @example
 * ```ts
 * const request = metaVerification({ url: '/webhooks/meta', verifyToken: 'my-verify-token', challenge: '1158201444' })
 * ```
 */
export function metaVerification(options: {
  url: string
  verifyToken: string
  challenge?: string
}): MetaVerificationRequest {
  const query = new URLSearchParams({
    'hub.mode': 'subscribe',
    'hub.challenge': options.challenge ?? String(Math.floor(Math.random() * 2 ** 31)),
    'hub.verify_token': options.verifyToken,
  })
  const separator = options.url.includes('?') ? '&' : '?'
  return { method: 'GET', url: `${options.url}${separator}${query}`, headers: {}, body: '' }
}
