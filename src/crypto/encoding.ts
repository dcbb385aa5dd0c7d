const HEX = /^[0-9a-f]*$/i
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/

/**
 * Decodes a signature as sent by a sender, strictly: `Buffer.from(…, 'hex')` silently drops what follows an
 * invalid character, which would turn a malformed signature into a shorter one. Returns undefined when the text
 * is not valid in `encoding`.
 *
 * @example
 * ```ts
 * decodeSignature('757107ea…', 'hex') // Buffer of 32 bytes
 * decodeSignature('not hex', 'hex')   // undefined
 * ```
 */
export function decodeSignature(text: string, encoding: 'hex' | 'base64'): Buffer | undefined {
  if (encoding === 'hex') {
    if (text.length % 2 !== 0 || !HEX.test(text)) return undefined
    return Buffer.from(text, 'hex')
  }
  if (text.length % 4 !== 0 || !BASE64.test(text)) return undefined
  const bytes = Buffer.from(text, 'base64')
  // Only the canonical spelling: the last character's unused bits would otherwise let several texts decode to one
  // signature (the senders' own SDKs compare the text exactly).
  return bytes.toString('base64') === text ? bytes : undefined
}
