import { createPublicKey, verify, type KeyObject } from 'node:crypto'

/** DER prefix of an Ed25519 SubjectPublicKeyInfo; the 32 raw key bytes follow it (RFC 8410). */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex')

/**
 * Imports a public key given as PEM, or as base64 DER SubjectPublicKeyInfo (SendGrid's "verification key").
 * Throws a TypeError naming the option when it cannot be read.
 *
 * @example
 * ```ts
 * const key = importSpkiPublicKey(process.env.SENDGRID_WEBHOOK_PUBLIC_KEY!, 'sendgrid({ publicKey })')
 * ```
 */
export function importSpkiPublicKey(text: string, where: string): KeyObject {
  try {
    return text.includes('-----BEGIN')
      ? createPublicKey(text)
      : createPublicKey({ key: Buffer.from(text.trim(), 'base64'), format: 'der', type: 'spki' })
  } catch (error) {
    throw new TypeError(
      `${where}: the public key is neither PEM nor base64 DER (SPKI). Copy it whole from the sender's settings.`,
      { cause: error },
    )
  }
}

/**
 * Imports a raw 32-byte Ed25519 public key.
 *
 * @example
 * ```ts
 * const key = importEd25519PublicKey(Buffer.from(base64AfterWhpk, 'base64'))
 * ```
 */
export function importEd25519PublicKey(raw: Uint8Array): KeyObject {
  if (raw.byteLength !== 32) throw new TypeError(`An Ed25519 public key is 32 bytes, not ${raw.byteLength}.`)
  return createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' })
}

/**
 * Verifies a signature over `data` with a public key: ECDSA keys with SHA-256 and a DER-encoded signature,
 * Ed25519 keys as they are. Never throws for a malformed signature: it is simply not valid.
 *
 * @example
 * ```ts
 * verifySignature(key, Buffer.concat([Buffer.from(timestamp), body]), signatureBytes)
 * ```
 */
export function verifySignature(key: KeyObject, data: Uint8Array, signature: Uint8Array): boolean {
  try {
    return key.asymmetricKeyType === 'ed25519'
      ? verify(null, data, key, signature)
      : verify('sha256', data, { key, dsaEncoding: 'der' }, signature)
  } catch {
    return false
  }
}
