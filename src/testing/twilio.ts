import { chain, hexEncode, randomUUID, sha256 } from '#crypto'
import { hmacText, type Signed, type SignedDelivery } from './delivery.js'

/** Who signs: the account's Auth Token (HMAC-SHA1), or a Webhooks Setting's SharedKey with its algorithm. */
export type TwilioSigningKey =
  | { authToken: string; sharedKeySecret?: undefined }
  | {
      sharedKeySecret: string
      /** Default `HMAC_SHA256`. */
      algorithm?: 'HMAC_SHA1' | 'HMAC_SHA256'
      /** The SharedKey's id, sent in `X-Twilio-Webhooks-Signature-Settings`. */
      sharedKeyId?: string
      authToken?: undefined
    }

/**
 * A Twilio request to `url` (the public URL, exactly as configured in the console): form `params` signed as Twilio
 * signs them (`X-Twilio-Signature`: base64 HMAC-SHA1 of the URL followed by the sorted name+value pairs), or a
 * `json` body signed through a `bodySHA256` query parameter. Returns the URL to call too, which for JSON carries
 * `bodySHA256`. With `sharedKeySecret` instead of `authToken`, the request is signed as a Webhooks Rule signs it:
 * with the SharedKey and its algorithm, named in `X-Twilio-Webhooks-Signature-Settings`.
 *
 * @example
 * ```ts
 * const { url, ...delivery } = signTwilio({ url: 'https://example.com/sms', params: { From: '+15551234567', Body: 'hi' }, authToken })
 * ```
 */
export function signTwilio(
  options: { url: string; idempotencyToken?: string } & TwilioSigningKey &
    (
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
  options: { idempotencyToken?: string; json?: unknown } & TwilioSigningKey,
  url: string,
  data: string,
  body: string,
): Signed<SignedDelivery & { url: string }> {
  const sharedKey = options.sharedKeySecret === undefined ? undefined : options
  const algorithm = sharedKey === undefined ? undefined : (sharedKey.algorithm ?? 'HMAC_SHA256')
  const secret = sharedKey?.sharedKeySecret ?? (options.authToken as string)
  const hash = algorithm === 'HMAC_SHA256' ? 'sha256' : 'sha1'
  return chain(hmacText(hash, secret, data, 'base64'), (signature) => {
    const headers: Record<string, string> = {
      'content-type': options.json !== undefined ? 'application/json' : 'application/x-www-form-urlencoded',
      'i-twilio-idempotency-token': options.idempotencyToken ?? randomUUID(),
      'x-twilio-signature': signature,
    }
    if (sharedKey !== undefined) {
      const id = sharedKey.sharedKeyId ?? 'webhooks_sharedkey_0123456789abcdef0123456789abcdef'
      headers['x-twilio-webhooks-signature-settings'] = `key=${id},algorithm=${algorithm}`
    }
    return { url, method: 'POST' as const, headers, body }
  })
}
