/**
 * One table, every provider and variant (test/support/provider-cases.ts): each changed signed byte (body,
 * signature header, signed timestamp, signed id, other signed parts), a wrong secret, a missing or malformed
 * signature header and a timestamp outside the tolerance is refused with the documented status and code
 * (docs/status-codes.md), and no handler runs. Secret rotation (a list; the old and the new both pass) works for
 * each.
 */
import { describe, expect, it } from 'vitest'
import { createReceiver, isWebhookError, WebhookError, type WebhookResponse } from '../../src/index.js'
import { silentLogger } from '../support/helpers.js'
import { bytesOf, refusalCodes, signsAlike, withByte, type Posted } from '../support/hostile.js'
import {
  accepted,
  NOW,
  providerCases,
  signatureOf,
  toleranceOf,
  withSignature,
  type Delivery,
} from '../support/provider-cases.js'

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

/** The positions of digest characters: runs of 20 or more hex or base64 characters (not a timestamp, not an id). */
function digestPositions(text: string): Set<number> {
  const positions = new Set<number>()
  for (const run of text.matchAll(/[A-Za-z0-9+/=]{20,}/g))
    for (let index = run.index; index < run.index + run[0].length; index++) positions.add(index)
  return positions
}

/** Another character of the digest's alphabet, so the digest still decodes: a digit, a hex letter, or base64. */
function nextInAlphabet(byte: number): number {
  const char = String.fromCharCode(byte)
  for (const alphabet of ['0123456789', 'abcdef', BASE64_ALPHABET]) {
    const at = alphabet.indexOf(char)
    if (at >= 0) return alphabet.charCodeAt((at + 1) % alphabet.length)
  }
  return byte ^ 0x01
}

/** The pseudo-part of a signature that lives inside the body: its characters, written back through the row. */
const SIGNATURE_IN_BODY = 'signature (in the body)'

/** What a signed header holds, for test names. */
function describeHeader(name: string): string {
  if (name.endsWith('timestamp')) return `the signed timestamp (${name})`
  if (name.endsWith('id')) return `the signed id (${name})`
  return `the signed ${name} header`
}

describe.each(providerCases)('$name', (c) => {
  const [oldSecret, newSecret, stranger] = c.secrets
  let sequence = 0
  /** A fresh delivery (a new event id each call). */
  const sign = (secret = oldSecret, timestamp = NOW) => c.sign(secret, { timestamp, id: `evt_${++sequence}` })

  function setup(secrets = [oldSecret]) {
    const receiver = createReceiver({
      provider: c.provider(secrets),
      now: () => NOW * 1000,
      logger: silentLogger(),
    })
    let runs = 0
    receiver.onAny(() => {
      runs++
    })
    const post = (delivery: Posted): Promise<WebhookResponse> =>
      receiver.handle({ method: 'POST', url: delivery.url, headers: delivery.headers, body: delivery.body })
    return { receiver, post, runs: () => runs }
  }

  async function expectRefused(response: Promise<WebhookResponse>, status: number, code: string, what = '') {
    const answer = await response
    expect(answer.status, `${what} ${answer.body}`).toBe(status)
    expect(answer.headers['content-type']).toBe('application/problem+json')
    expect(JSON.parse(answer.body), what).toMatchObject({ status, code })
  }

  /**
   * Posts `part` of a fresh delivery with single bytes changed and expects each to be refused as
   * `signature_invalid`: every other value (0x00–0xff) of every byte, save the characters of a long digest, which
   * get five (the next character of their alphabet, which reaches the crypto, the other case, and three others).
   */
  async function expectByteChangesRefused(part: string) {
    const { post, runs } = setup()
    const delivery = sign()
    const inBody = part === SIGNATURE_IN_BODY
    const bytes = inBody ? Buffer.from(signatureOf(c, delivery), 'latin1') : bytesOf(delivery, part)
    const changed = (index: number, value: number): Posted => {
      if (!inBody) return withByte(delivery, part, index, value)
      const copy = Buffer.from(bytes)
      copy[index] = value
      return withSignature(c, delivery, copy.toString('latin1'))
    }
    const digest = digestPositions(bytes.toString('latin1'))
    const failures: string[] = []
    for (let index = 0; index < bytes.length; index++) {
      const byte = bytes[index]!
      const values = digest.has(index)
        ? [nextInAlphabet(byte), byte ^ 0x20, byte ^ 0x01, byte ^ 0x80, (byte + 1 + 97 * index) % 256]
        : Array.from({ length: 256 }, (_, value) => value)
      for (const value of new Set(values)) {
        if (value === byte) continue
        const answer = await post(changed(index, value))
        const { code } = answer.status === 401 ? (JSON.parse(answer.body) as { code: string }) : { code: '-' }
        if (answer.status !== 401 || code !== 'signature_invalid')
          failures.push(`${part}[${index}] = 0x${value.toString(16)}: ${answer.status} ${code}`)
      }
    }
    expect(failures).toEqual([])
    expect(runs()).toBe(0)
  }

  it('accepts an untouched delivery (the baseline the refusals below are measured against)', async () => {
    const { post, runs } = setup()
    expect((await post(sign())).status).toBe(accepted(c))
    expect(runs()).toBe(1)
  })

  if (c.signsBody === false) {
    it('verifies no body (GitLab signs none): a changed body byte under a valid token is 200 or 400 body_malformed, never 401', async () => {
      const { post } = setup()
      const delivery = sign()
      const bytes = bytesOf(delivery, 'body')
      for (let index = 0; index < bytes.length; index++) {
        const response = await post(withByte(delivery, 'body', index, bytes[index]! ^ 0x01))
        if (response.status !== 200)
          expect(JSON.parse(response.body)).toMatchObject({ code: 'body_malformed' })
      }
    })
  } else {
    it('refuses every single changed body byte with 401 signature_invalid, running no handler', async () => {
      const { post, runs } = setup()
      const delivery = sign()
      const bytes = bytesOf(delivery, 'body')
      for (let index = 0; index < bytes.length; index++) {
        const changed = withByte(delivery, 'body', index, bytes[index]! ^ 0x01)
        // Twilio: the same form fields; Mailgun, Adyen: the same signed fields, so the same signed content.
        if (signsAlike(c, delivery, changed)) continue
        const answer = await post(changed)
        const { code } = JSON.parse(answer.body) as { code?: string }
        expect(answer.status, `body[${index}] ${answer.body}`).toBe(401)
        expect(refusalCodes(c, 'body'), `body[${index}]`).toContain(code)
      }
      const appended = { ...delivery, body: `${delivery.body} ` }
      if (!signsAlike(c, delivery, appended)) await expectRefused(post(appended), 401, 'signature_invalid')
      expect(runs()).toBe(0)
    })
  }

  it(`refuses single-byte changes anywhere in the signature ${c.signatureHeader === undefined ? 'inside the body' : 'header'} (every value of each byte of its framing${c.retime && c.signedHeaders.length === 0 && c.signatureHeader !== undefined ? ' and signed timestamp' : ''}, five of each digest character) with 401 signature_invalid, running no handler`, async () => {
    await expectByteChangesRefused(c.signatureHeader ?? SIGNATURE_IN_BODY)
  })

  if (c.hexSignature) {
    // The senders' SDKs (stripe, @octokit/webhooks-methods, @slack/bolt) compare the text: only lower case is valid.
    it('refuses the signature spelled in upper-case hex with 401 signature_invalid, running no handler', async () => {
      const { post, runs } = setup()
      const delivery = sign()
      const upper = signatureOf(c, delivery).replace(/[0-9a-f]{40,}/g, (hex) => hex.toUpperCase())
      await expectRefused(post(withSignature(c, delivery, upper)), 401, 'signature_invalid')
      expect(runs()).toBe(0)
    })
  }

  for (const header of c.signedHeaders) {
    it(`refuses every single-byte change of ${describeHeader(header)} with 401 signature_invalid, running no handler`, async () => {
      await expectByteChangesRefused(header)
    })
  }

  if (c.retime !== undefined) {
    const retime = c.retime
    it('refuses a signed timestamp changed by one second with 401 signature_invalid, running no handler', async () => {
      const { post, runs } = setup()
      const delivery = sign()
      await expectRefused(post(retime(delivery, NOW + 1)), 401, 'signature_invalid')
      await expectRefused(post(retime(delivery, NOW - 1)), 401, 'signature_invalid')
      expect(runs()).toBe(0)
    })

    const tolerance = toleranceOf(c)
    it(`refuses a delivery signed ${tolerance + 1} s ago with 401 timestamp_out_of_tolerance, running no handler`, async () => {
      const { post, runs } = setup()
      await expectRefused(post(sign(oldSecret, NOW - tolerance - 1)), 401, 'timestamp_out_of_tolerance')
      expect(runs()).toBe(0)
    })

    it(`refuses a delivery signed ${tolerance + 1} s ahead with 401 timestamp_out_of_tolerance, running no handler`, async () => {
      const { post, runs } = setup()
      await expectRefused(post(sign(oldSecret, NOW + tolerance + 1)), 401, 'timestamp_out_of_tolerance')
      expect(runs()).toBe(0)
    })

    it(`accepts deliveries signed exactly ${tolerance} s ago and ahead (the tolerance is inclusive)`, async () => {
      const { post, runs } = setup()
      expect((await post(sign(oldSecret, NOW - tolerance))).status).toBe(accepted(c))
      expect((await post(sign(oldSecret, NOW + tolerance))).status).toBe(accepted(c))
      expect(runs()).toBe(2)
    })
  }

  for (const tamper of c.otherTampers ?? []) {
    it(`refuses ${tamper.what} changed after signing with 401 signature_invalid, running no handler`, async () => {
      const { post, runs } = setup()
      await expectRefused(post(tamper.apply(sign())), 401, 'signature_invalid')
      expect(runs()).toBe(0)
    })
  }

  it("refuses a delivery signed with another party's secret with 401 signature_invalid, running no handler", async () => {
    const { post, runs } = setup()
    await expectRefused(post(sign(stranger)), 401, 'signature_invalid')
    expect(runs()).toBe(0)
  })

  it('refuses a delivery without its signature with 401 signature_missing, running no handler', async () => {
    const { post, runs } = setup()
    await expectRefused(post(withSignature(c, sign(), undefined)), 401, 'signature_missing')
    expect(runs()).toBe(0)
  })

  it('refuses an empty signature with 401 signature_missing, running no handler', async () => {
    const { post, runs } = setup()
    await expectRefused(post(withSignature(c, sign(), '')), 401, 'signature_missing')
    expect(runs()).toBe(0)
  })

  it('refuses malformed signatures with 401 signature_invalid, running no handler', async () => {
    const { post, runs } = setup()
    for (const value of c.malformed) {
      await expectRefused(post(withSignature(c, sign(), value)), 401, 'signature_invalid', value)
    }
    expect(runs()).toBe(0)
  })

  it('throws a WebhookError with status and code from receiver.verify for a wrong secret', async () => {
    const { receiver } = setup()
    const delivery = sign(stranger)
    const error = await receiver
      .verify({ method: 'POST', url: delivery.url, headers: delivery.headers, body: delivery.body })
      .then(
        () => undefined,
        (thrown: unknown) => thrown,
      )
    expect(error).toBeInstanceOf(WebhookError)
    expect(isWebhookError(error)).toBe(true)
    expect(error).toMatchObject({ status: 401, code: 'signature_invalid' })
  })

  it('accepts deliveries signed with the old and with the new secret while rotating', async () => {
    const { post, runs } = setup([oldSecret, newSecret])
    expect((await post(sign(oldSecret))).status).toBe(accepted(c))
    expect((await post(sign(newSecret))).status).toBe(accepted(c))
    expect(runs()).toBe(2)
  })

  it('still refuses a third secret while rotating', async () => {
    const { post, runs } = setup([oldSecret, newSecret])
    await expectRefused(post(sign(stranger)), 401, 'signature_invalid')
    expect(runs()).toBe(0)
  })

  it('accepts only the new secret once the old one is removed', async () => {
    const { post, runs } = setup([newSecret])
    await expectRefused(post(sign(oldSecret)), 401, 'signature_invalid')
    expect((await post(sign(newSecret))).status).toBe(accepted(c))
    expect(runs()).toBe(1)
  })
})
