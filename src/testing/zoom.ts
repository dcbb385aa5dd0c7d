import { chain } from '#crypto'
import {
  hmacText,
  nowSeconds,
  serialise,
  type Signed,
  type SignedDelivery,
  type SignOptions,
} from './delivery.js'

/**
 * A Zoom event notification: `x-zm-request-timestamp` and `x-zm-signature: v0=<hex HMAC-SHA256 of
 * "v0:<timestamp>:<body>">` under the Secret Token.
 *
 * @example
 * ```ts
 * const delivery = signZoom({ payload: { event: 'meeting.started', event_ts: Date.now(), payload: {} }, secret })
 * ```
 */
export function signZoom(options: SignOptions & { secret: string }): Signed<SignedDelivery> {
  const body = serialise(options.payload)
  const timestamp = String(options.timestamp ?? nowSeconds())
  return chain(hmacText('sha256', options.secret, `v0:${timestamp}:${body}`, 'hex'), (digest) => ({
    method: 'POST' as const,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'x-zm-request-timestamp': timestamp,
      'x-zm-signature': `v0=${digest}`,
    },
    body,
  }))
}
