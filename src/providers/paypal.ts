import { chain, utf8Encode, verifySignature } from '#crypto'
import { isJsonObject, parseJsonBody } from '../body.js'
import { anyOf } from '../crypto/any-of.js'
import { crc32 } from '../crypto/crc32.js'
import { decodeSignature } from '../crypto/encoding.js'
import {
  createCertificateSource,
  type CertificateFetch,
  type CertificateSource,
  type CertifiedKey,
} from '../crypto/remote-certificate.js'
import { RSA_ENCRYPTION_OID } from '../crypto/x509.js'
import { CertificateUntrustedError, PayloadInvalidError, SignatureInvalidError } from '../errors.js'
import { isPromiseLike } from '../promise-like.js'
import {
  DAY_MS,
  perRequestSecrets,
  readRfc3339Timestamp,
  requireHeader,
  requireSignature,
  secretList,
  signatureVerdict,
} from '../provider-kit/index.js'
import type { EventMap } from '../types/events.js'
import type { Provider, SecretOption } from '../types/provider.js'

export type { CertificateFetch as PayPalCertificateFetch }

/** A PayPal webhook event (PayPal docs, "Webhooks" → "Event names" and the event's `resource`). */
export interface PayPalEvent<TResource = Record<string, unknown>> {
  id: string
  event_type: string
  event_version?: string
  create_time: string
  resource_type?: string
  resource_version?: string
  summary?: string
  resource: TResource
  links?: { href: string; rel: string; method: string }[]
}

export interface PayPalOptions {
  /** The webhook's ID (Developer Dashboard → your app → Webhooks), or several while moving to a new webhook. */
  webhookId: SecretOption
  /**
   * How certificates are downloaded. Default: the global `fetch`. Pass your own to route the download through an
   * egress proxy, or, in tests, to serve a certificate you made (`payPalCertificateFetch` from
   * `webhook-receiver/testing`). Only `https://*.paypal.com` URLs ever reach it.
   */
  fetch?: CertificateFetch
  /** How many certificate URLs are remembered (each is downloaded once). Default 32. */
  maxCertificates?: number
  /** How long a certificate download may take, in ms. Default 5,000. */
  certificateTimeoutMs?: number
}

/** Where `paypal()` passes its certificate cache to the builds per webhook ID set (see `perRequestSecrets`). */
const CERTIFICATES = Symbol('paypal certificates')
type SharedCertificates = { [CERTIFICATES]?: CertificateSource }

function certificateFetch(given: CertificateFetch | undefined): CertificateFetch {
  const fetcher = given ?? (globalThis.fetch as CertificateFetch | undefined)
  if (typeof fetcher !== 'function')
    throw new TypeError(
      'paypal({ fetch }): this runtime has no global fetch; pass one to download certificates.',
    )
  return fetcher
}

/** PayPal signs with this one algorithm (PayPal docs, "Verify webhook signature": `auth_algo`). */
const AUTH_ALGORITHM = 'SHA256withRSA'
/** A certificate URL longer than this is not PayPal's. */
const MAX_URL_LENGTH = 2048
/** Where PayPal serves its signing certificates. */
const CERTIFICATE_PATH = '/v1/notifications/certs/'

/**
 * PayPal webhooks: `PAYPAL-TRANSMISSION-SIG`, the base64 RSA-SHA256 (`PAYPAL-AUTH-ALGO: SHA256withRSA`) signature of
 * `<PAYPAL-TRANSMISSION-ID>|<PAYPAL-TRANSMISSION-TIME>|<webhook id>|<CRC-32 of the raw body, in decimal>` under the
 * key of the certificate at `PAYPAL-CERT-URL`. The certificate is downloaded only from `https://*.paypal.com`
 * (anything else is refused 401 `certificate_untrusted` before any download), once per URL, through the `fetch`
 * option; it must hold an RSA key and be valid at the transmission time, which is held to `tolerance`. Events
 * dispatch on `event_type` under the dedup id `id`. PayPal signs the body only through its CRC-32, which is not a
 * cryptographic hash, so the signed transmission id is reserved as the replay id beside it.
 *
 * @example
 * ```ts
 * import { paypal } from 'webhook-receiver/providers/paypal'
 * const receiver = createReceiver({ provider: paypal({ webhookId: process.env.PAYPAL_WEBHOOK_ID! }) })
 * receiver.on('PAYMENT.CAPTURE.COMPLETED', (event) => console.log(event.payload))
 * ```
 */
export function paypal<TEvents extends EventMap = Record<string, PayPalEvent>>(
  options: PayPalOptions,
): Provider<TEvents> {
  // One certificate cache for the endpoint, shared by every webhook ID a resolver names (a certificate is PayPal's,
  // not a tenant's): built before the per-request split, which builds this factory again for each ID set.
  const certificates =
    (options as SharedCertificates)[CERTIFICATES] ??
    createCertificateSource({
      fetch: certificateFetch(options?.fetch),
      algorithm: 'rsa-sha256',
      keyAlgorithm: RSA_ENCRYPTION_OID,
      sender: 'PayPal',
      maxEntries: options?.maxCertificates,
      timeoutMs: options?.certificateTimeoutMs,
    })
  const perRequest = perRequestSecrets(
    { ...options, [CERTIFICATES]: certificates } as PayPalOptions,
    ['webhookId'],
    paypal<TEvents>,
  )
  if (perRequest !== undefined) return perRequest
  const webhookIds = secretList(options?.webhookId, 'paypal', 'webhookId', {
    noun: 'key',
    expected: "the webhook's ID (Developer Dashboard → your app → Webhooks)",
    // A webhook ID is 17 upper-case letters and digits; the client id and secret are longer base64url strings.
    check: (id) =>
      id.length > 40
        ? "this is not a webhook ID (17 characters, e.g. 8PT597110X687430LKGECATA). Copy the webhook's ID from the Developer Dashboard; the client id and secret are other credentials."
        : undefined,
  })
  return {
    name: 'paypal',
    // PayPal documents no answer deadline: answer within 10 s.
    deadlineMs: 10_000,
    // PayPal documents no size: 1 MB.
    bodyLimit: 1024 * 1024,
    // PayPal resends a notification up to 25 times over 3 days until it gets a 2xx (PayPal docs, "Webhooks
    // overview" → "Delivery"): 4 days of cover.
    retryWindowMs: 4 * DAY_MS,
    signatureHeaders: ['PAYPAL-TRANSMISSION-SIG'],
    verify({ headers, body }) {
      const signatureText = requireSignature(headers['paypal-transmission-sig'], 'PAYPAL-TRANSMISSION-SIG')
      const transmissionId = requireHeader(headers['paypal-transmission-id'], 'PAYPAL-TRANSMISSION-ID')
      const time = requireHeader(headers['paypal-transmission-time'], 'PAYPAL-TRANSMISSION-TIME')
      const certificateUrl = trustedCertificateUrl(
        requireHeader(headers['paypal-cert-url'], 'PAYPAL-CERT-URL'),
      )
      if (requireHeader(headers['paypal-auth-algo'], 'PAYPAL-AUTH-ALGO') !== AUTH_ALGORITHM)
        throw new SignatureInvalidError(
          `PAYPAL-AUTH-ALGO is not ${AUTH_ALGORITHM}, the algorithm PayPal signs with.`,
        )
      const signature = decodeSignature(signatureText, 'base64')
      // Nothing that could verify: no certificate is downloaded for it.
      if (signature === undefined) return signatureVerdict(false)
      const tail = `|${crc32(body)}`
      const check = (certified: CertifiedKey) =>
        chain(
          signatureVerdict(
            anyOf(webhookIds, (webhookId) =>
              verifySignature(
                certified.key,
                utf8Encode(`${transmissionId}|${time}|${webhookId}${tail}`),
                signature,
              ),
            ),
            time,
            'PAYPAL-TRANSMISSION-TIME',
            readRfc3339Timestamp,
          ),
          (timestamp) => {
            if (timestamp === undefined || timestamp < certified.notBefore || timestamp > certified.notAfter)
              throw new CertificateUntrustedError(
                'The PayPal certificate is not valid at PAYPAL-TRANSMISSION-TIME.',
              )
            return timestamp
          },
        )
      const certified = certificates.keyFor(certificateUrl)
      return isPromiseLike(certified) ? certified.then(check) : check(certified)
    },
    parse({ headers, body }) {
      const payload = parseJsonBody(body)
      if (!isJsonObject(payload) || typeof payload.id !== 'string' || payload.id === '')
        throw new PayloadInvalidError('A PayPal webhook event is a JSON object with a string "id".')
      if (typeof payload.event_type !== 'string' || payload.event_type === '')
        throw new PayloadInvalidError('A PayPal webhook event has a string "event_type".')
      // The body is signed only through its CRC-32, which can be forged: the signed transmission id is reserved
      // beside the event id, so a captured delivery sent again with another body is still a duplicate.
      const transmissionId = headers['paypal-transmission-id'] as string
      return [
        {
          id: payload.id,
          type: payload.event_type,
          payload,
          replayId: `paypal-transmission:${transmissionId}`,
        },
      ]
    },
  }
}

/**
 * The certificate URL, when it is one of PayPal's: HTTPS on a host under paypal.com, on the default port, without
 * credentials, under `/v1/notifications/certs/` with no query (PayPal docs, "Verify webhook signature": `cert_url`
 * such as `https://api.paypal.com/v1/notifications/certs/CERT-360caa42-…`). Anything else is refused before a byte
 * is downloaded: the URL comes from an unsigned header. Undefined when it is not trusted.
 */
export function payPalCertificateUrl(text: string): string | undefined {
  if (text.length > MAX_URL_LENGTH) return undefined
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return undefined
  }
  const trusted =
    url.protocol === 'https:' &&
    url.username === '' &&
    url.password === '' &&
    url.port === '' &&
    url.hostname.endsWith('.paypal.com') &&
    url.pathname.startsWith(CERTIFICATE_PATH) &&
    url.pathname.length > CERTIFICATE_PATH.length &&
    url.search === '' &&
    url.hash === ''
  return trusted ? url.href : undefined
}

function trustedCertificateUrl(text: string): string {
  const url = payPalCertificateUrl(text)
  if (url === undefined)
    throw new CertificateUntrustedError(
      "PAYPAL-CERT-URL is not one of PayPal's certificate URLs (https://….paypal.com/v1/notifications/certs/…), so no certificate was downloaded from it.",
    )
  return url
}
