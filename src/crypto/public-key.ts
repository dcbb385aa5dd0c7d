import { concatBytes, hexDecode, hexEncode, importPublicKey, type PublicKey } from '#crypto'
import { decodeSignature } from './encoding.js'

/** DER prefix of an Ed25519 SubjectPublicKeyInfo; the 32 raw key bytes follow it (RFC 8410). */
const ED25519_SPKI_PREFIX = '302a300506032b6570032100'
/** DER prefix of an uncompressed P-256 SubjectPublicKeyInfo (id-ecPublicKey, prime256v1); 64 point bytes follow. */
const P256_SPKI_PREFIX = '3059301306072a8648ce3d020106082a8648ce3d03010703420004'

/**
 * Reads a P-256 public key given as PEM, or as base64 DER SubjectPublicKeyInfo (SendGrid's "verification key").
 * The shape is checked here, synchronously and the same way on every runtime, so a wrong key fails when the
 * provider is created. Throws a TypeError naming the option when it cannot be read.
 */
export function readP256PublicKey(text: string, where: string): PublicKey {
  const fix = "Copy it whole from the sender's settings."
  const der = readDer(text, 'PUBLIC KEY')
  if (der === undefined)
    throw new TypeError(`${where}: the public key is neither PEM nor base64 DER (SPKI). ${fix}`)
  if (der.byteLength !== P256_SPKI_PREFIX.length / 2 + 64 || !hexEncode(der).startsWith(P256_SPKI_PREFIX))
    throw new TypeError(`${where}: the public key is not an uncompressed ECDSA P-256 key (SPKI). ${fix}`)
  try {
    return importPublicKey('ecdsa-p256', der)
  } catch (error) {
    throw new TypeError(`${where}: the public key is not a valid P-256 key. ${fix}`, { cause: error })
  }
}

/** Imports a raw 32-byte Ed25519 public key. */
export function importEd25519PublicKey(raw: Uint8Array): PublicKey {
  if (raw.byteLength !== 32) throw new TypeError(`An Ed25519 public key is 32 bytes, not ${raw.byteLength}.`)
  return importPublicKey('ed25519', withDerPrefix(ED25519_SPKI_PREFIX, raw))
}

/**
 * The DER inside a PEM block labelled `label`, or inside plain base64 (white space ignored, as keys are often
 * pasted with line breaks). Undefined when the text is neither.
 */
export function readDer(text: string, label: string): Uint8Array | undefined {
  const pem = new RegExp(`-----BEGIN ${label}-----([^-]*)-----END ${label}-----`).exec(text)
  if (text.includes('-----BEGIN') && pem === null) return undefined
  const base64 = (pem === null ? text : (pem[1] as string)).replace(/\s+/g, '')
  if (base64 === '') return undefined
  return decodeSignature(base64, 'base64')
}

/**
 * A key's DER: the fixed prefix of its kind (hex) followed by the raw key bytes, the form RFC 8410 gives Ed25519
 * keys, whose SPKI and PKCS#8 encodings differ from the raw key only by a constant prefix.
 */
export function withDerPrefix(prefixHex: string, raw: Uint8Array): Uint8Array {
  return concatBytes([hexDecode(prefixHex), raw])
}
