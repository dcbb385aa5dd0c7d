import { chain, hexEncode, randomUUID, sha256 } from '#crypto'
import { hmacText, type Signed, type SignedDelivery } from './delivery.js'

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
): Signed<SignedDelivery & { url: string }> {
  const json = options.json
  if (json !== undefined) {
    const body = typeof json === 'string' ? json : JSON.stringify(json)
    return chain(sha256([body]), (digest) => {
      const url = `${options.url}${options.url.includes('?') ? '&' : '?'}bodySHA256=${hexEncode(digest)}`
      return signed(options, url, url, body)
    })
  }
  const params = options.params ?? {}
  const form = new URLSearchParams()
  for (const [name, value] of Object.entries(params)) {
    for (const item of typeof value === 'string' ? [value] : value) form.append(name, item)
  }
  let data = options.url
  for (const name of Object.keys(params).sort()) {
    const value = params[name] as string | readonly string[]
    for (const item of typeof value === 'string' ? [value] : [...new Set(value)].sort()) data += name + item
  }
  return signed(options, options.url, data, form.toString())
}

/** The request, with the signature over `data` (the URL, then the sorted form fields for a form body). */
function signed(
  options: { authToken: string; idempotencyToken?: string; json?: unknown },
  url: string,
  data: string,
  body: string,
): Signed<SignedDelivery & { url: string }> {
  return chain(hmacText('sha1', options.authToken, data, 'base64'), (signature) => ({
    url,
    method: 'POST' as const,
    headers: {
      'content-type': options.json !== undefined ? 'application/json' : 'application/x-www-form-urlencoded',
      'i-twilio-idempotency-token': options.idempotencyToken ?? randomUUID(),
      'x-twilio-signature': signature,
    },
    body,
  }))
}
