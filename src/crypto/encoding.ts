import { base64Decode, base64Encode, hexDecode } from '#crypto'

// Lower case only: the senders write it so and their own SDKs compare the text, so `A` for `a` is a change.
const HEX = /^[0-9a-f]*$/
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/

/**
 * Decodes a signature as sent by a sender, strictly: `Buffer.from(…, 'hex')` silently drops what follows an
 * invalid character, which would turn a malformed signature into a shorter one. Returns undefined when the text
 * is not valid in `encoding`.
 */
export function decodeSignature(text: string, encoding: 'hex' | 'base64'): Uint8Array | undefined {
  if (encoding === 'hex') {
    if (text.length % 2 !== 0 || !HEX.test(text)) return undefined
    return hexDecode(text)
  }
  if (text.length % 4 !== 0 || !BASE64.test(text)) return undefined
  const bytes = base64Decode(text)
  // Only the canonical spelling: the last character's unused bits would otherwise let several texts decode to one
  // signature (the senders' own SDKs compare the text exactly).
  return base64Encode(bytes) === text ? bytes : undefined
}

/** base64url without padding (RFC 4648 §5), for URL segments. */
export function base64url(bytes: Uint8Array): string {
  return base64Encode(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}
