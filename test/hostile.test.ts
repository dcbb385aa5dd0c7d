/**
 * Property-based tests of the whole pipeline with hostile input, for every row of the provider case table. Per row,
 * the hostile property runs FUZZ_RUNS cases and the round trip FUZZ_RUNS / 30 (each posting up to a few hundred
 * changed copies): `npm test` runs 14 × (300 + 10) = 4,340 cases with a fixed seed; `npm run test:fuzz` sets
 * FUZZ_RUNS=7000, 14 × (7,000 + 234) = 101,276 cases.
 */
import { inspect } from 'node:util'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createReceiver } from '../src/index.js'
import {
  bytesOf,
  countingReceiver,
  expectDocumented,
  hostileDelivery,
  mutationArbitrary,
  refusalCodes,
  signedParts,
  signsAlike,
  withByte,
  type Posted,
} from './support/hostile.js'
import {
  accepted,
  NOW,
  providerCase,
  providerCases,
  signatureOf,
  toleranceOf,
} from './support/provider-cases.js'
import { silentLogger } from './support/helpers.js'

const RUNS = Number(process.env.FUZZ_RUNS ?? 300)
const SEED = Number(process.env.FUZZ_SEED ?? 20261122)
/** The round trip posts up to a few hundred changed copies per case, so it runs a thirtieth as many cases. */
const ROUND_TRIPS = Math.ceil(RUNS / 30)
/** At most this many positions of one signed part are changed per round trip. */
const POSITIONS = 64

/** Event data for the round trip: JSON objects with unicode strings, numbers and nesting. */
const eventData = fc.dictionary(
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.jsonValue({ maxDepth: 3, stringUnit: 'grapheme' }),
  { maxKeys: 6 },
)
/** Event ids as senders write them: printable ASCII. */
const eventId = fc.stringMatching(/^[!-~]{1,40}$/)

/** A small seeded generator (mulberry32), so each case samples its positions and byte values reproducibly. */
function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Every position of a part up to `most`, else `most` distinct positions drawn with `next`. */
function positions(length: number, most: number, next: () => number): number[] {
  if (length <= most) return Array.from({ length }, (_, index) => index)
  const chosen = new Set<number>()
  while (chosen.size < most) chosen.add(Math.floor(next() * length))
  return [...chosen].sort((a, b) => a - b)
}

describe.each(providerCases)('$name under hostile input', (c) => {
  const tolerance = toleranceOf(c)
  it(`runs no handler for anything but an intact signed delivery, and answers only documented statuses (${RUNS} cases)`, async () => {
    const { receiver, runs, timestamps } = countingReceiver(c, [c.secrets[0], c.secrets[1]])
    let n = 0
    await fc.assert(
      fc.asyncProperty(mutationArbitrary(c), async (mutation) => {
        const { valid, hostile } = hostileDelivery(c, ++n, mutation)
        const before = runs()
        const response = await receiver.handle({
          method: 'POST',
          url: valid.url,
          headers: hostile.headers,
          body: hostile.body,
        })
        expectDocumented(response.status, response.body)
        const bodyOnly = mutation.kind.startsWith('body-')
        if (runs() > before && (c.signsBody !== false || !bodyOnly))
          expect(hostile.signedPartsIntact, `handler ran for ${mutation.kind}`).toBe(true)
        // A handler that ran was given the timestamp that was signed, whatever else the headers say.
        if (runs() > before && c.retime !== undefined)
          expect(timestamps.at(-1), `timestamp after ${mutation.kind}`).toBe(NOW + (hostile.offset ?? 0))
        if (hostile.offset !== undefined) {
          const inTolerance = Math.abs(hostile.offset) <= tolerance
          expect(response.status, `offset ${hostile.offset}`).toBe(inTolerance ? accepted(c) : 401)
        }
        for (const secret of c.secrets) expect(response.body).not.toContain(secret)
        const signature = signatureOf(c, valid)
        if (response.status >= 400) expect(response.body).not.toContain(signature)
      }),
      { numRuns: RUNS, seed: SEED },
    )
  })

  it(`accepts the signer's delivery exactly once for any payload, secret, id and time, and refuses every one-byte change of a signed part (${ROUND_TRIPS} cases)`, async () => {
    await fc.assert(
      fc.asyncProperty(
        c.secretArbitrary,
        eventId,
        eventData,
        fc.integer({ min: 1_500_000_000, max: 2_000_000_000 }),
        fc.integer({ min: -tolerance, max: tolerance }),
        fc.integer(),
        async (secret, id, data, signedAt, skew, seed) => {
          const { receiver, runs } = countingReceiver(c, [secret], signedAt + skew)
          const delivery = c.sign(secret, { timestamp: signedAt, id, data })
          const post = (posted: Posted) =>
            receiver.handle({ method: 'POST', url: posted.url, headers: posted.headers, body: posted.body })
          expect((await post(delivery)).status).toBe(accepted(c))
          expect((await post(delivery)).status).toBe(accepted(c)) // the duplicate
          expect(runs()).toBe(1)
          const next = random(seed)
          for (const part of signedParts(c)) {
            const bytes = bytesOf(delivery, part)
            for (const index of positions(bytes.length, POSITIONS, next)) {
              const value = bytes[index]! ^ (1 + Math.floor(next() * 255))
              const changed = withByte(delivery, part, index, value)
              if (part === 'body' && signsAlike(c, delivery, changed)) continue
              const response = await post(changed)
              const code = response.status >= 400 ? (JSON.parse(response.body) as { code: string }).code : ''
              const what = `${part}[${index}] = 0x${value.toString(16)}: ${response.status} ${code}`
              expect(response.status, what).toBe(401)
              expect(refusalCodes(c, part), what).toContain(code)
            }
          }
          expect(runs()).toBe(1)
        },
      ),
      { numRuns: ROUND_TRIPS, seed: SEED },
    )
  })

  it('never shows a secret through inspect() or toString() of the receiver', () => {
    const receiver = createReceiver({
      provider: c.provider([c.secrets[0], c.secrets[1]]),
      logger: silentLogger(),
    })
    const shown = `${inspect(receiver, { depth: 10, showHidden: true })} ${String(receiver)} ${JSON.stringify(receiver)}`
    for (const secret of c.secrets.slice(0, 2)) expect(shown).not.toContain(secret)
  })
})

describe('parsed payloads', () => {
  it('never hand handlers a __proto__ or constructor.prototype key', async () => {
    const stripeCase = providerCase('Stripe')
    const receiver = createReceiver({
      provider: stripeCase.provider([stripeCase.secrets[0]]),
      now: () => NOW * 1000,
      logger: silentLogger(),
    })
    const { signStripe } = await import('../src/testing/index.js')
    let payload: Record<string, unknown> | undefined
    receiver.onAny((event) => {
      payload = event.payload as unknown as Record<string, unknown>
    })
    const body =
      '{"id":"evt_p","type":"x","__proto__":{"polluted":true},"data":{"constructor":{"prototype":{"polluted":true}},"ok":1}}'
    expect(
      (
        await receiver.handle({
          url: '/',
          ...signStripe({ payload: body, secret: stripeCase.secrets[0], timestamp: NOW }),
        })
      ).status,
    ).toBe(200)
    expect(Object.hasOwn(payload!, '__proto__')).toBe(false)
    expect(payload!.data).toEqual({ ok: 1 })
    expect(Object.assign({}, payload).polluted).toBeUndefined()
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined()
  })
})
