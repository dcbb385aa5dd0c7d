/**
 * PayPal: `PAYPAL-TRANSMISSION-SIG`, RSA-SHA256 over `<transmission id>|<transmission time>|<webhook id>|<CRC-32 of
 * the body>` (PayPal docs, "Webhooks" → "Verify the signature" → "Self-verification"), checked here independently
 * with node:crypto (`X509Certificate`, `createVerify`) and zlib's CRC-32; the certificate downloaded only from
 * PayPal's hosts, through the injected fetch, once per URL.
 */
import { createVerify, X509Certificate } from 'node:crypto'
import { crc32 as zlibCrc32 } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { createReceiver, type WebhookEvent, type WebhookResponse } from '../../src/index.js'
import { paypal } from '../../src/providers/paypal.js'
import {
  generatePayPalCertificate,
  payPalCertificateFetch,
  signPayPal,
  type SignedDelivery,
} from '../../src/testing/index.js'
import { silentLogger } from '../support/helpers.js'

const NOW = 1_700_000_000
const WEBHOOK_ID = '8PT597110X687430LKGECATA'
const CERT_URL = 'https://api.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-a5cafa77'
const { privateKey, certificate } = generatePayPalCertificate() as Awaited<
  ReturnType<typeof generatePayPalCertificate>
>

const EVENT = {
  id: 'WH-2WR32451HC0233532-67976317FL4543714',
  event_version: '1.0',
  create_time: '2023-11-14T22:13:20.000Z',
  resource_type: 'capture',
  event_type: 'PAYMENT.CAPTURE.COMPLETED',
  summary: 'Payment completed for $ 7.47 USD',
  resource: { id: '42311647XV020574X', status: 'COMPLETED', amount: { currency_code: 'USD', value: '7.47' } },
}

/** A fetch that serves `served` and counts what it is asked for. */
function countingFetch(served: Record<string, string> = { [CERT_URL]: certificate }) {
  const serve = payPalCertificateFetch(served)
  const asked: string[] = []
  const fetch = (url: string) => {
    asked.push(url)
    return serve(url)
  }
  return { fetch, asked }
}

function setup(options: { fetch?: (url: string) => Promise<Response>; maxCertificates?: number } = {}) {
  const fetcher = options.fetch === undefined ? countingFetch() : { fetch: options.fetch, asked: [] }
  const receiver = createReceiver({
    provider: paypal({
      webhookId: WEBHOOK_ID,
      fetch: fetcher.fetch,
      maxCertificates: options.maxCertificates,
    }),
    now: () => NOW * 1000,
    logger: silentLogger(),
  })
  const seen: WebhookEvent[] = []
  receiver.onAny((event) => {
    seen.push(event)
  })
  const post = (delivery: SignedDelivery): Promise<WebhookResponse> =>
    receiver.handle({ method: 'POST', url: '/paypal', headers: delivery.headers, body: delivery.body })
  return { post, seen, asked: fetcher.asked }
}

const sign = (overrides: Partial<Parameters<typeof signPayPal>[0]> = {}) =>
  signPayPal({
    payload: EVENT,
    webhookId: WEBHOOK_ID,
    privateKey,
    certUrl: CERT_URL,
    timestamp: NOW,
    ...overrides,
  }) as SignedDelivery

const problem = (response: WebhookResponse) => ({ status: response.status, ...JSON.parse(response.body) })

describe('PayPal signatures', () => {
  it('signs with signPayPal exactly what PayPal signs, which node:crypto verifies under the certificate', async () => {
    const delivery = sign({ transmissionId: '69cd13f0-d67a-11e5-baa3-778b53f4ae55' })
    const headers = delivery.headers
    expect(headers['paypal-transmission-time']).toBe('2023-11-14T22:13:20Z')
    expect(headers['paypal-auth-algo']).toBe('SHA256withRSA')
    const signed = `69cd13f0-d67a-11e5-baa3-778b53f4ae55|2023-11-14T22:13:20Z|${WEBHOOK_ID}|${zlibCrc32(delivery.body)}`
    const x509 = new X509Certificate(certificate)
    expect(x509.verify(x509.publicKey)).toBe(true)
    const verifier = createVerify('RSA-SHA256').update(signed)
    expect(verifier.verify(x509.publicKey, headers['paypal-transmission-sig']!, 'base64')).toBe(true)
    const { post, seen } = setup()
    expect((await post(delivery)).status).toBe(200)
    expect(seen.map((event) => [event.id, event.type, event.timestamp])).toEqual([
      [EVENT.id, 'PAYMENT.CAPTURE.COMPLETED', NOW],
    ])
  })

  it('computes the CRC-32 PayPal signs as zlib does (the check value of "123456789" is 3421780262)', async () => {
    const { crc32 } = await import('../../src/crypto/crc32.js')
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(3421780262)
    const body = new TextEncoder().encode(JSON.stringify({ ...EVENT, note: 'Zoë ✓' }))
    expect(crc32(body)).toBe(zlibCrc32(body))
  })

  it('refuses another PAYPAL-AUTH-ALGO with 401 signature_invalid', async () => {
    const delivery = sign()
    const response = await setup().post({
      ...delivery,
      headers: { ...delivery.headers, 'paypal-auth-algo': 'SHA1withRSA' },
    })
    expect(problem(response)).toMatchObject({ status: 401, code: 'signature_invalid' })
  })

  it('refuses a certificate that was not valid at the transmission time with 401 certificate_untrusted', async () => {
    const expired = generatePayPalCertificate({ notBefore: NOW - 1000, notAfter: NOW - 1 }) as Awaited<
      ReturnType<typeof generatePayPalCertificate>
    >
    const { post } = setup({ fetch: payPalCertificateFetch({ [CERT_URL]: expired.certificate }) })
    const response = await post(sign({ privateKey: expired.privateKey }))
    expect(problem(response)).toMatchObject({ status: 401, code: 'certificate_untrusted' })
  })

  it('takes another body under the same signed transmission id as a replay (the body is signed only by its CRC-32)', async () => {
    const { post, seen } = setup()
    await post(sign({ transmissionId: 'tx-1' }))
    const swapped = sign({ transmissionId: 'tx-1', payload: { ...EVENT, id: 'WH-OTHER', event_type: 'X.Y' } })
    expect((await post(swapped)).status).toBe(200)
    expect(seen.map((event) => event.id)).toEqual([EVENT.id])
    // A retry, sent anew (another transmission id) with the same event id, is a duplicate too.
    await post(sign({ transmissionId: 'tx-2' }))
    expect(seen).toHaveLength(1)
  })
})

describe('PayPal certificates', () => {
  it("refuses a certificate URL off PayPal's HTTPS hosts with 401 certificate_untrusted, downloading nothing", async () => {
    const { post, asked } = setup()
    for (const url of [
      'http://api.paypal.com/v1/notifications/certs/CERT-1',
      'https://api.paypal.com.attacker.example/certs/CERT-1',
      'https://paypal.com.attacker.example/CERT-1',
      'https://attacker.example/api.paypal.com/CERT-1',
      'https://user:pass@api.paypal.com/CERT-1',
      'https://api.paypal.com:8443/CERT-1',
      'https://api.paypal.com./CERT-1',
      'https://127.0.0.1/CERT-1',
      // On PayPal's host, but not where it serves certificates, or with a query that would make every URL new.
      'https://api.paypal.com/v1/oauth2/token',
      'https://api.paypal.com/v1/notifications/certs/',
      `${CERT_URL}?nonce=1`,
      `${CERT_URL}#nonce`,
      'file:///etc/passwd',
      'not a url',
      `https://api.paypal.com/${'a'.repeat(3000)}`,
    ]) {
      const response = await post(sign({ certUrl: url }))
      expect(problem(response), url).toMatchObject({ status: 401, code: 'certificate_untrusted' })
      expect(response.body).not.toContain('attacker')
    }
    expect(asked).toEqual([])
  })

  it('downloads each certificate once, also for concurrent deliveries', async () => {
    const { post, asked, seen } = setup()
    const answers = await Promise.all(
      Array.from({ length: 5 }, (_, index) => post(sign({ payload: { ...EVENT, id: `WH-${index}` } }))),
    )
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200])
    await post(sign({ payload: { ...EVENT, id: 'WH-later' } }))
    expect(asked).toEqual([CERT_URL])
    expect(seen).toHaveLength(6)
  })

  it('remembers at most maxCertificates URLs, forgetting the oldest', async () => {
    const urls = [1, 2, 3].map((n) => `${CERT_URL}-${n}`)
    const { fetch, asked } = countingFetch(Object.fromEntries(urls.map((url) => [url, certificate])))
    const { post } = setup({ fetch, maxCertificates: 2 })
    let n = 0
    for (const url of [...urls, urls[2]!, urls[0]!])
      expect((await post(sign({ certUrl: url, payload: { ...EVENT, id: `WH-${++n}` } }))).status).toBe(200)
    expect(asked).toEqual([urls[0], urls[1], urls[2], urls[0]])
  })

  it('keeps the certificate in use: the least recently used one is forgotten first', async () => {
    const urls = [1, 2, 3].map((n) => `${CERT_URL}-${n}`)
    const { fetch, asked } = countingFetch(Object.fromEntries(urls.map((url) => [url, certificate])))
    const { post } = setup({ fetch, maxCertificates: 2 })
    let n = 0
    // 1 is used again after 2, so 3 pushes out 2, and 1 is still known.
    for (const url of [urls[0]!, urls[1]!, urls[0]!, urls[2]!, urls[0]!])
      expect((await post(sign({ certUrl: url, payload: { ...EVENT, id: `WH-${++n}` } }))).status).toBe(200)
    expect(asked).toEqual([urls[0], urls[1], urls[2]])
  })

  it('keeps only certificates that downloaded: deliveries naming URLs that fail push out none', async () => {
    const { fetch, asked } = countingFetch()
    const { post } = setup({ fetch, maxCertificates: 2 })
    expect((await post(sign())).status).toBe(200)
    // At once, as a flood would: each download is under way while the next delivery arrives.
    const refused = await Promise.all(
      [0, 1, 2].map((i) => post(sign({ certUrl: `${CERT_URL}-missing-${i}` }))),
    )
    for (const response of refused)
      expect(problem(response)).toMatchObject({ status: 503, code: 'certificate_unavailable' })
    expect((await post(sign({ payload: { ...EVENT, id: 'WH-after' } }))).status).toBe(200)
    expect(asked.filter((url) => url === CERT_URL)).toHaveLength(1)
  })

  it('downloads a certificate once for every webhook ID a resolver names (one cache per endpoint)', async () => {
    const { fetch, asked } = countingFetch()
    const ids: Record<string, string> = { acme: WEBHOOK_ID, globex: '1JE4291016473214C' }
    const receiver = createReceiver({
      provider: paypal({
        webhookId: (request) => {
          const tenant = new URL(request.url, 'http://localhost').pathname.split('/').pop() as string
          return ids[tenant] === undefined ? undefined : { tenant, secret: ids[tenant] }
        },
        fetch,
      }),
      now: () => NOW * 1000,
      logger: silentLogger(),
    })
    receiver.onAny(() => undefined)
    for (const tenant of ['acme', 'globex']) {
      const delivery = sign({ webhookId: ids[tenant]! })
      const answer = await receiver.handle({
        method: 'POST',
        url: `/paypal/${tenant}`,
        headers: delivery.headers,
        body: delivery.body,
      })
      expect(answer.status).toBe(200)
    }
    expect(asked).toEqual([CERT_URL])
  })

  it('answers 503 certificate_unavailable with Retry-After when the download fails, and tries again on the retry', async () => {
    let failing = true
    const serve = payPalCertificateFetch({ [CERT_URL]: certificate })
    const { post, seen } = setup({
      fetch: (url) => (failing ? Promise.reject(new Error('egress blocked: api.paypal.com')) : serve(url)),
    })
    const response = await post(sign())
    expect(problem(response)).toMatchObject({ status: 503, code: 'certificate_unavailable' })
    expect(Number(response.headers['retry-after'])).toBeGreaterThan(0)
    expect(response.body).not.toContain('egress')
    failing = false
    expect((await post(sign())).status).toBe(200)
    expect(seen).toHaveLength(1)
  })

  it('downloads at most 4 certificates at once: past that, 503 without a request', async () => {
    const waiting: (() => void)[] = []
    const serve = payPalCertificateFetch({})
    const asked: string[] = []
    let hold = true
    const { post } = setup({
      fetch: (url) => {
        asked.push(url)
        return hold ? new Promise((resolve) => waiting.push(() => resolve(serve(url)))) : serve(url)
      },
    })
    const answers = Array.from({ length: 6 }, (_, index) => post(sign({ certUrl: `${CERT_URL}-${index}` })))
    const early = await Promise.race([answers[4]!, answers[5]!])
    expect(problem(early)).toMatchObject({ status: 503, code: 'certificate_unavailable' })
    expect(asked).toHaveLength(4)
    hold = false
    for (const release of waiting) release()
    const settled = await Promise.all(answers)
    expect(settled.map((answer) => answer.status)).toEqual([503, 503, 503, 503, 503, 503])
    // The slots are free again.
    await post(sign({ certUrl: `${CERT_URL}-again` }))
    expect(asked).toHaveLength(5)
  })

  it('answers 503 to a certificate URL PayPal does not serve (404), and 401 to a file that is not a certificate', async () => {
    const notFound = await setup().post(sign({ certUrl: `${CERT_URL}-missing` }))
    expect(problem(notFound)).toMatchObject({ status: 503, code: 'certificate_unavailable' })
    for (const served of [
      '<html>not a certificate</html>',
      '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n',
    ]) {
      const response = await setup({ fetch: payPalCertificateFetch({ [CERT_URL]: served }) }).post(sign())
      expect(problem(response)).toMatchObject({ status: 401, code: 'certificate_untrusted' })
    }
  })

  it('reads the first certificate of a chain, as PayPal serves the leaf before its issuers', async () => {
    const other = generatePayPalCertificate() as Awaited<ReturnType<typeof generatePayPalCertificate>>
    const chain = `${certificate}${other.certificate}`
    const { post } = setup({ fetch: payPalCertificateFetch({ [CERT_URL]: chain }) })
    expect((await post(sign())).status).toBe(200)
    expect(
      (await post(sign({ privateKey: other.privateKey, payload: { ...EVENT, id: 'WH-2' } }))).status,
    ).toBe(401)
  })
})

describe('PayPal credentials', () => {
  it('refuses a client secret pasted as the webhook id, at construction and without echoing it', () => {
    const secret = 'EO422dn3gQLgDbuwqTjzrFgFtaRLRR5BdHEESmha49TM-ABCDEFGHIJKLMNOPQRSTUV'
    expect(() => paypal({ webhookId: secret })).toThrow(/webhook ID/)
    expect(() => paypal({ webhookId: secret })).not.toThrow(secret)
  })
})
