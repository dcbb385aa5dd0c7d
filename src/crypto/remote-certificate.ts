/**
 * Public keys a sender names by URL (PayPal's `PAYPAL-CERT-URL`): downloaded once per URL through the fetch the
 * provider was given, read from the certificate (x509.ts), imported, and kept in a bounded cache. This is I/O, not a
 * crypto primitive, so it answers with a Promise on every build the first time a URL is seen, and with the cached key
 * itself afterwards (synchronously on Node).
 */
import { importPublicKey, type PublicKey, type PublicKeyAlgorithm } from '#crypto'
import { CertificateUnavailableError, CertificateUntrustedError } from '../errors.js'
import { createLruCache } from '../lru-cache.js'
import { readDer } from './public-key.js'
import { readCertificate } from './x509.js'

/** The part of the Fetch API used here: the global `fetch` fits, and so does any test double. */
export type CertificateFetch = (
  url: string,
  init: { redirect: 'error'; signal: AbortSignal },
) => Promise<{
  ok: boolean
  status: number
  headers: { get(name: string): string | null }
  arrayBuffer(): Promise<ArrayBuffer>
}>

/** A key read from a certificate, with the period the certificate is valid for (seconds since the epoch). */
export interface CertifiedKey {
  key: PublicKey
  notBefore: number
  notAfter: number
}

export interface CertificateSourceOptions {
  fetch: CertificateFetch
  algorithm: PublicKeyAlgorithm
  /** The key algorithm OID the certificate must carry (DER content, hex). */
  keyAlgorithm: string
  /** Who the certificates are from, for messages. */
  sender: string
  /** Certificates remembered, by URL; the least recently used is forgotten first. */
  maxEntries?: number
  timeoutMs?: number
  /** Largest certificate file read, in bytes. */
  maxBytes?: number
  /**
   * Downloads at once. The URL comes from an unsigned header, so a flood of requests naming new URLs on the sender's
   * hosts could otherwise make as many requests to them; past this, a request is answered 503 without one.
   */
  maxDownloads?: number
}

/** The Retry-After of a failed download, in seconds. */
const RETRY_AFTER_SECONDS = 60

export interface CertificateSource {
  /** The key of the certificate at `url` (already checked to be trusted): cached, or a Promise of it. */
  keyFor(url: string): CertifiedKey | Promise<CertifiedKey>
}

export function createCertificateSource(options: CertificateSourceOptions): CertificateSource {
  const maxEntries = options.maxEntries ?? 32
  const timeoutMs = options.timeoutMs ?? 5_000
  const maxBytes = options.maxBytes ?? 64 * 1024
  const maxDownloads = options.maxDownloads ?? 4
  // Only certificates that downloaded and read are kept, the least recently used forgotten first: a flood of
  // deliveries naming other URLs cannot push out the one in use before their downloads have even failed.
  const cache = createLruCache<CertifiedKey>({ max: maxEntries })
  // Concurrent deliveries naming the same URL share one download; a failed one is forgotten, so a retry tries again.
  const pending = new Map<string, Promise<CertifiedKey>>()

  async function download(url: string): Promise<CertifiedKey> {
    let bytes: Uint8Array
    try {
      const response = await options.fetch(url, { redirect: 'error', signal: AbortSignal.timeout(timeoutMs) })
      const declared = Number(response.headers.get('content-length') ?? 0)
      if (!response.ok || declared > maxBytes)
        throw new Error(`answered ${response.status}, ${declared} bytes`)
      bytes = new Uint8Array(await response.arrayBuffer())
      if (bytes.byteLength > maxBytes) throw new Error(`sent more than ${maxBytes} bytes`)
    } catch (error) {
      throw new CertificateUnavailableError(error, RETRY_AFTER_SECONDS)
    }
    let text = ''
    for (const byte of bytes) text += String.fromCharCode(byte)
    const der = readDer(text, 'CERTIFICATE')
    const certificate = der === undefined ? undefined : readCertificate(der)
    if (certificate === undefined || certificate.keyAlgorithm !== options.keyAlgorithm)
      throw new CertificateUntrustedError(
        `The ${options.sender} certificate URL does not hold a certificate of the expected kind.`,
      )
    try {
      // Web Crypto imports asynchronously: awaited here, so a bad key fails this download, not a later check.
      const key = importPublicKey(options.algorithm, certificate.spki)
      await key
      return { key, notBefore: certificate.notBefore, notAfter: certificate.notAfter }
    } catch {
      throw new CertificateUntrustedError(`The ${options.sender} certificate's key cannot be read.`)
    }
  }

  return {
    keyFor(url) {
      const known = cache.get(url) ?? pending.get(url)
      if (known !== undefined) return known
      if (pending.size >= maxDownloads)
        throw new CertificateUnavailableError(
          new Error(`${pending.size} downloads already running`),
          RETRY_AFTER_SECONDS,
        )
      const downloading = download(url)
        .then((certified) => {
          cache.set(url, certified)
          return certified
        })
        .finally(() => pending.delete(url))
      pending.set(url, downloading)
      return downloading
    },
  }
}
