import { randomBytes, timingSafeEqual, utf8Encode } from '#crypto'
import { base64url } from './crypto/encoding.js'

/**
 * A random, unguessable URL segment (32 base64url characters, 192 bits) for a webhook URL such as
 * `/webhooks/stripe/<token>`: the URL stays out of reach of scanners even before signatures are checked.
 *
 * @example
 * ```ts
 * console.log(generatePathToken()) // store it as WEBHOOK_PATH_TOKEN, then createReceiver({ pathToken: … })
 * ```
 */
export function generatePathToken(): string {
  return base64url(randomBytes(24))
}

/** True when the last segment of the URL's path is `token` (its UTF-8 bytes), compared in constant time. */
export function hasPathToken(url: string, token: Uint8Array): boolean {
  const query = url.search(/[?#]/)
  const path = query < 0 ? url : url.slice(0, query)
  const segments = path.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '').split('/')
  const last = segments.at(-1) || segments.at(-2) || ''
  return timingSafeEqual(utf8Encode(last), token)
}
