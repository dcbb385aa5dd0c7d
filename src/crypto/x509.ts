/**
 * Reads what a signature check needs from an X.509 certificate (RFC 5280): its SubjectPublicKeyInfo and its validity
 * period. Web Crypto cannot import a certificate, only a key, so both builds read the DER themselves, the same way.
 * The reader is bounded: every length is checked against the bytes that hold it, and it walks a fixed path.
 */

/** What a certificate holds for a signature check. */
export interface CertificateKey {
  /** The DER SubjectPublicKeyInfo, for `importPublicKey`. */
  spki: Uint8Array
  /** The algorithm OID of the key (`1.2.840.113549.1.1.1` for RSA), as DER content bytes in hex. */
  keyAlgorithm: string
  /** Validity, in seconds since the epoch. */
  notBefore: number
  notAfter: number
}

/** The DER content bytes (hex) of rsaEncryption, 1.2.840.113549.1.1.1. */
export const RSA_ENCRYPTION_OID = '2a864886f70d010101'

interface Tlv {
  tag: number
  /** Where the whole element starts, where its content starts and where it ends. */
  start: number
  content: number
  end: number
}

/** One DER element at `offset`, within `limit`; undefined when it does not fit. */
function readTlv(der: Uint8Array, offset: number, limit: number): Tlv | undefined {
  if (offset + 2 > limit) return undefined
  const tag = der[offset] as number
  let length = der[offset + 1] as number
  let content = offset + 2
  if (length & 0x80) {
    const octets = length & 0x7f
    // Four length octets reach 4 GiB: more is never a certificate.
    if (octets === 0 || octets > 4 || content + octets > limit) return undefined
    length = 0
    for (let index = 0; index < octets; index++) length = length * 256 + (der[content + index] as number)
    content += octets
  }
  const end = content + length
  return end > limit ? undefined : { tag, start: offset, content, end }
}

/** The children of a constructed element, read one after another. */
function children(der: Uint8Array, parent: Tlv): Tlv[] | undefined {
  const found: Tlv[] = []
  for (let offset = parent.content; offset < parent.end;) {
    const child = readTlv(der, offset, parent.end)
    if (child === undefined) return undefined
    found.push(child)
    offset = child.end
    // A certificate's tbsCertificate has at most ten fields; more is not a certificate, and is not read.
    if (found.length > 16) return undefined
  }
  return found
}

const SEQUENCE = 0x30
const UTC_TIME = 0x17
const GENERALIZED_TIME = 0x18

/** UTCTime `YYMMDDHHMMSSZ` (years 1950–2049) or GeneralizedTime `YYYYMMDDHHMMSSZ`, as seconds. */
function readTime(der: Uint8Array, element: Tlv): number | undefined {
  let text = ''
  for (let index = element.content; index < element.end; index++)
    text += String.fromCharCode(der[index] as number)
  const utc = element.tag === UTC_TIME && /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text)
  const generalized =
    element.tag === GENERALIZED_TIME && /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text)
  const match = utc || generalized
  if (!match) return undefined
  const [, yearText, month, day, hour, minute, second] = match as unknown as string[]
  let year = Number(yearText)
  if (utc) year += year < 50 ? 2000 : 1900
  const milliseconds = Date.UTC(
    year,
    Number(month) - 1,
    Number(day),
    Number(hour),
    Number(minute),
    Number(second),
  )
  return Number.isFinite(milliseconds) ? milliseconds / 1000 : undefined
}

/** The key and validity of a DER certificate; undefined when the bytes are not one. */
export function readCertificate(der: Uint8Array): CertificateKey | undefined {
  const certificate = readTlv(der, 0, der.byteLength)
  if (certificate?.tag !== SEQUENCE) return undefined
  const tbs = children(der, certificate)?.[0]
  if (tbs?.tag !== SEQUENCE) return undefined
  const fields = children(der, tbs)
  if (fields === undefined) return undefined
  // [0] version is optional (absent in v1 certificates); then serial, signature, issuer, validity, subject, key.
  const at = fields[0]?.tag === 0xa0 ? 1 : 0
  const validity = fields[at + 3]
  const spki = fields[at + 5]
  if (validity?.tag !== SEQUENCE || spki?.tag !== SEQUENCE) return undefined
  const times = children(der, validity)
  if (times?.length !== 2) return undefined
  const notBefore = readTime(der, times[0] as Tlv)
  const notAfter = readTime(der, times[1] as Tlv)
  const algorithm = children(der, spki)?.[0]
  const oid = algorithm?.tag === SEQUENCE ? children(der, algorithm)?.[0] : undefined
  if (notBefore === undefined || notAfter === undefined || oid?.tag !== 0x06) return undefined
  let keyAlgorithm = ''
  for (let index = oid.content; index < oid.end; index++)
    keyAlgorithm += (der[index] as number).toString(16).padStart(2, '0')
  return { spki: der.subarray(spki.start, spki.end), keyAlgorithm, notBefore, notAfter }
}
