/** A delivery as the sender would POST it: what every signer returns. */
export interface SignedDelivery {
  method: 'POST'
  headers: Record<string, string>
  body: string
}

/** What every signer takes; each adds its provider's own fields. */
export interface SignOptions {
  /** The event; objects are serialised with `JSON.stringify`, strings are sent as they are. */
  payload: unknown
  /** Signing time in seconds since the epoch. Default: now. */
  timestamp?: number
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000)
export const serialise = (payload: unknown): string =>
  typeof payload === 'string' ? payload : JSON.stringify(payload)

/**
 * Turns a signed delivery into a Web `Request`, ready for `fetchHandler` or a Next.js route handler.
 *
 * @example
 * ```ts
 * const response = await fetchHandler(receiver)(toRequest('http://localhost/webhooks', signStripe({ payload, secret })))
 * ```
 */
export function toRequest(url: string, delivery: SignedDelivery): Request {
  return new Request(url, { method: delivery.method, headers: delivery.headers, body: delivery.body })
}
