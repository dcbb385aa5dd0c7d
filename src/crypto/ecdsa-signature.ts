/**
 * ECDSA signatures travel in two forms: DER (`SEQUENCE { INTEGER r, INTEGER s }`, what SendGrid sends and OpenSSL
 * writes) and IEEE P1363 (`r ‖ s`, fixed width, what Web Crypto reads and writes). Both builds verify P1363, so
 * both accept exactly the same DER: the canonical encoding, as OpenSSL requires it too.
 */

const SEQUENCE = 0x30
const INTEGER = 0x02

/**
 * Converts a DER ECDSA signature to r‖s of `size`-byte halves (32 for P-256). Returns undefined for anything but
 * one canonical DER SEQUENCE of two positive INTEGERs that fit, with nothing after it. Reads at most a handful of
 * bytes from fixed offsets: hostile input cannot make it loop or allocate more than 2 × `size`.
 */
export function derToP1363(der: Uint8Array, size = 32): Uint8Array | undefined {
  // Two INTEGERs of at most size + 1 bytes (a sign byte), each with a 2-byte header: short-form lengths only.
  if (der.byteLength < 8 || der.byteLength > 2 + 2 * (size + 3)) return undefined
  if (der[0] !== SEQUENCE || der[1] !== der.byteLength - 2) return undefined
  const out = new Uint8Array(2 * size)
  let offset = 2
  for (let half = 0; half < 2; half++) {
    const length = der[offset + 1] ?? 0
    const start = offset + 2
    const end = start + length
    if (der[offset] !== INTEGER || length === 0 || length > size + 1 || end > der.byteLength) return undefined
    const first = der[start] as number
    // Negative (high bit set) is never a valid r or s; a leading zero is only allowed before a high bit.
    if (first & 0x80) return undefined
    if (first === 0 && (length === 1 || !((der[start + 1] as number) & 0x80))) return undefined
    const value = first === 0 ? der.subarray(start + 1, end) : der.subarray(start, end)
    if (value.byteLength > size) return undefined
    out.set(value, half * size + size - value.byteLength)
    offset = end
  }
  return offset === der.byteLength ? out : undefined
}

/** Converts r‖s to canonical DER (what SendGrid sends), for the signer in `webhook-receiver/testing`. */
export function p1363ToDer(signature: Uint8Array): Uint8Array {
  const size = signature.byteLength / 2
  const integers = [signature.subarray(0, size), signature.subarray(size)].map((half) => {
    let start = 0
    while (start < half.byteLength - 1 && half[start] === 0) start++
    const value = half.subarray(start)
    const sign = (value[0] as number) & 0x80 ? [0] : []
    return [INTEGER, value.byteLength + sign.length, ...sign, ...value]
  })
  const body = integers.flat()
  return Uint8Array.from([SEQUENCE, body.length, ...body])
}
