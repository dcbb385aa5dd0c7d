import {
  base64Encode,
  chain,
  concatBytes,
  generateKeyPair,
  importPrivateKey,
  randomUUID,
  sign,
  utf8Encode,
} from '#crypto'
import { crc32 } from '../crypto/crc32.js'
import { readDer } from '../crypto/public-key.js'
import { nowSeconds, serialise, type Signed, type SignedDelivery, type SignOptions } from './delivery.js'

/** Where the signer says its certificate is, unless told otherwise: a PayPal host, as the receiver requires. */
const DEFAULT_CERT_URL = 'https://api.paypal.com/v1/notifications/certs/CERT-webhook-receiver-testing'

/**
 * A PayPal webhook delivery: `PAYPAL-TRANSMISSION-SIG`, the base64 RSA-SHA256 signature of
 * `<transmission id>|<transmission time>|<webhook id>|<CRC-32 of the body>` under `privateKey` (PKCS#8 PEM, the
 * half of `generatePayPalCertificate()` whose certificate the receiver downloads from `certUrl`), with
 * `PAYPAL-AUTH-ALGO: SHA256withRSA`, `PAYPAL-CERT-URL`, `PAYPAL-TRANSMISSION-ID` and `PAYPAL-TRANSMISSION-TIME`.
 *
 * @example
 * ```ts
 * const { privateKey, certificate } = await generatePayPalCertificate()
 * const delivery = await signPayPal({ payload: { id: 'WH-1', event_type: 'PAYMENT.CAPTURE.COMPLETED' }, webhookId, privateKey })
 * ```
 */
export function signPayPal(
  options: SignOptions & {
    webhookId: string
    privateKey: string
    certUrl?: string
    transmissionId?: string
  },
): Signed<SignedDelivery> {
  const body = serialise(options.payload)
  const der = readDer(options.privateKey, 'PRIVATE KEY')
  if (der === undefined)
    throw new TypeError('signPayPal({ privateKey }): a PKCS#8 PEM private key is expected.')
  const transmissionId = options.transmissionId ?? randomUUID()
  const time = new Date((options.timestamp ?? nowSeconds()) * 1000).toISOString().replace('.000Z', 'Z')
  const signed = `${transmissionId}|${time}|${options.webhookId}|${crc32(utf8Encode(body))}`
  return chain(importPrivateKey('rsa-sha256', der), (key) =>
    chain(sign(key, utf8Encode(signed)), (signature): SignedDelivery => ({
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'paypal-auth-algo': 'SHA256withRSA',
        'paypal-cert-url': options.certUrl ?? DEFAULT_CERT_URL,
        'paypal-transmission-id': transmissionId,
        'paypal-transmission-sig': base64Encode(signature),
        'paypal-transmission-time': time,
      },
      body,
    })),
  )
}

/** A key pair and a self-signed certificate of its public half, both PEM, standing in for PayPal's in tests. */
export interface PayPalTestCertificate {
  /** PKCS#8 PEM, for `signPayPal`. */
  privateKey: string
  /** X.509 PEM, to serve at the `PAYPAL-CERT-URL` (see `payPalCertificateFetch`). */
  certificate: string
}

/**
 * A fresh RSA key pair and a self-signed X.509 certificate of it (valid from `notBefore` to `notAfter`, seconds;
 * default 2000 to 2099), made with the runtime's own crypto: no `openssl`, no files.
 *
 * @example
 * ```ts
 * const { privateKey, certificate } = await generatePayPalCertificate()
 * ```
 */
export function generatePayPalCertificate(
  options: { notBefore?: number; notAfter?: number } = {},
): Signed<PayPalTestCertificate> {
  return chain(generateKeyPair('rsa-sha256'), ({ privateKey, spki, pkcs8 }) => {
    const name = sequence(set(sequence(oid(COMMON_NAME), utf8String('webhook-receiver PayPal test'))))
    const tbs = sequence(
      explicit(0, integer([2])), // v3
      integer([1]),
      SHA256_WITH_RSA,
      name,
      sequence(time(options.notBefore ?? 946_684_800), time(options.notAfter ?? 4_102_444_799)),
      name,
      spki,
    )
    return chain(sign(privateKey, tbs), (signature) => ({
      privateKey: pem('PRIVATE KEY', pkcs8),
      certificate: pem('CERTIFICATE', sequence(tbs, SHA256_WITH_RSA, bitString(signature))),
    }))
  })
}

/**
 * A `fetch` for `paypal({ fetch })` that serves `certificates` (URL → PEM) and answers 404 to any other URL, so a
 * test downloads nothing.
 *
 * @example
 * ```ts
 * const provider = paypal({ webhookId, fetch: payPalCertificateFetch({ [certUrl]: certificate }) })
 * ```
 */
export function payPalCertificateFetch(
  certificates: Readonly<Record<string, string>>,
): (url: string) => Promise<Response> {
  return async (url) => {
    const certificate = Object.hasOwn(certificates, url) ? certificates[url] : undefined
    return certificate === undefined
      ? new Response('not found', { status: 404 })
      : new Response(certificate, { status: 200, headers: { 'content-type': 'application/x-pem-file' } })
  }
}

// ---- DER, as much of it as a self-signed certificate needs (ITU-T X.690) -------------------------------------------

function element(tag: number, ...content: Uint8Array[]): Uint8Array {
  const body = concatBytes(content)
  const length = body.byteLength
  const header =
    length < 0x80
      ? [tag, length]
      : length < 0x100
        ? [tag, 0x81, length]
        : [tag, 0x82, length >> 8, length & 0xff]
  return concatBytes([new Uint8Array(header), body])
}
const sequence = (...content: Uint8Array[]) => element(0x30, ...content)
const set = (...content: Uint8Array[]) => element(0x31, ...content)
const explicit = (index: number, content: Uint8Array) => element(0xa0 + index, content)
const integer = (bytes: number[]) => element(0x02, new Uint8Array(bytes))
const oid = (hex: string) => element(0x06, hexBytes(hex))
const utf8String = (text: string) => element(0x0c, utf8Encode(text))
const bitString = (bytes: Uint8Array) => element(0x03, new Uint8Array([0]), bytes)
/** GeneralizedTime, valid for every year (UTCTime stops at 2049). */
const time = (seconds: number) =>
  element(
    0x18,
    utf8Encode(
      new Date(seconds * 1000)
        .toISOString()
        .replace(/\.\d{3}Z$/, 'Z')
        .replace(/[-:T]/g, ''),
    ),
  )

function hexBytes(hex: string): Uint8Array {
  return new Uint8Array(hex.match(/../g)!.map((pair) => Number.parseInt(pair, 16)))
}

/** id-at-commonName, 2.5.4.3. */
const COMMON_NAME = '550403'
/** sha256WithRSAEncryption, 1.2.840.113549.1.1.11, with NULL parameters. */
const SHA256_WITH_RSA = sequence(oid('2a864886f70d01010b'), new Uint8Array([0x05, 0x00]))

function pem(label: string, der: Uint8Array): string {
  const base64 = base64Encode(der).replace(/.{64}/g, '$&\n')
  return `-----BEGIN ${label}-----\n${base64.endsWith('\n') ? base64 : `${base64}\n`}-----END ${label}-----\n`
}
