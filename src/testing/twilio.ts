import { createHash, createHmac, randomUUID } from 'node:crypto'
import type { SignedDelivery } from './delivery.js'

/**
 * A Twilio request to `url` (the public URL, exactly as configured in the console): form `params` signed as Twilio
 * signs them (`X-Twilio-Signature`: base64 HMAC-SHA1 of the URL followed by the sorted name+value pairs), or a
 * `json` body signed through a `bodySHA256` query parameter. Returns the URL to call too, which for JSON carries
 * `bodySHA256`.
 *
 * @example
 * ```ts
 * const { url, ...delivery } = signTwilio({ url: 'https://example.com/sms', params: { From: '+15551234567', Body: 'hi' }, authToken })
 * ```
 */
export function signTwilio(
  options: { url: string; authToken: string; idempotencyToken?: string } & (
    | { params: Record<string, string | readonly string[]>; json?: undefined }
    | { json: unknown; params?: undefined }
  ),
): SignedDelivery & { url: string } {
  let url = options.url
  let body: string
  let data: string
  if (options.json !== undefined) {
    body = typeof options.json === 'string' ? options.json : JSON.stringify(options.json)
    url += `${url.includes('?') ? '&' : '?'}bodySHA256=${createHash('sha256').update(body).digest('hex')}`
    data = url
  } else {
    const params = options.params ?? {}
    const form = new URLSearchParams()
    for (const [name, value] of Object.entries(params)) {
      for (const item of typeof value === 'string' ? [value] : value) form.append(name, item)
    }
    body = form.toString()
    data = url
    for (const name of Object.keys(params).sort()) {
      const value = params[name] as string | readonly string[]
      for (const item of typeof value === 'string' ? [value] : [...new Set(value)].sort()) data += name + item
    }
  }
  return {
    url,
    method: 'POST',
    headers: {
      'content-type': options.json !== undefined ? 'application/json' : 'application/x-www-form-urlencoded',
      'i-twilio-idempotency-token': options.idempotencyToken ?? randomUUID(),
      'x-twilio-signature': createHmac('sha1', options.authToken).update(data).digest('base64'),
    },
    body,
  }
}
