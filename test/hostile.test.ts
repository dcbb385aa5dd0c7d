/**
 * Property-based tests of the whole pipeline with hostile input, for every provider. `npm test` runs a few
 * thousand cases with a fixed seed; `npm run test:fuzz` runs the same properties with FUZZ_RUNS per property
 * (over 100,000 cases in all).
 */
import { inspect } from 'node:util'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createReceiver } from '../src/index.js'
import {
  countingReceiver,
  expectDocumented,
  hostileDelivery,
  mutationArbitrary,
  signsAlike,
} from './support/hostile.js'
import { NOW, providerCase, providerCases } from './support/provider-cases.js'
import { silentLogger } from './support/helpers.js'

const RUNS = Number(process.env.FUZZ_RUNS ?? 300)
const SEED = Number(process.env.FUZZ_SEED ?? 20261122)
const TOLERANCE = 300

describe.each(providerCases)('$name under hostile input', (c) => {
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
          const inTolerance = Math.abs(hostile.offset) <= TOLERANCE
          expect(response.status, `offset ${hostile.offset}`).toBe(inTolerance ? 200 : 401)
        }
        for (const secret of c.secrets) expect(response.body).not.toContain(secret)
        const signature = valid.headers[c.signatureHeader] as string
        if (response.status >= 400) expect(response.body).not.toContain(signature)
      }),
      { numRuns: RUNS, seed: SEED },
    )
  })

  it(`accepts the signer's delivery exactly once for any id and time, and refuses every one-byte change of a signed part (${Math.ceil(RUNS / 30)} cases)`, async () => {
    let n = 0
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: -TOLERANCE, max: TOLERANCE }),
        fc.integer({ min: 1_500_000_000, max: 2_000_000_000 }),
        async (skew, now) => {
          const id = ++n
          const receiver = createReceiver({
            provider: c.provider([c.secrets[0]]),
            now: () => (now + skew) * 1000,
            logger: silentLogger(),
          })
          let ran = 0
          receiver.onAny(() => {
            ran++
          })
          const valid = c.sign(c.secrets[0], { timestamp: now, id: `id_${id}` })
          const post = (headers: Record<string, string>, body: string | Uint8Array) =>
            receiver.handle({ method: 'POST', url: valid.url, headers, body })
          expect((await post(valid.headers, valid.body)).status).toBe(200)
          expect((await post(valid.headers, valid.body)).status).toBe(200) // the duplicate
          expect(ran).toBe(1)
          if (c.signsBody === false) return // GitLab signs nothing: its token proves the sender, not the content
          const bytes = Buffer.from(valid.body)
          for (let index = 0; index < bytes.length; index++) {
            const copy = Buffer.from(bytes)
            copy[index] = (copy[index] as number) ^ 0x20
            if (signsAlike(c, valid, { ...valid, body: copy })) continue // Twilio: the same form fields
            expect((await post(valid.headers, copy)).status).toBe(401)
          }
          for (const name of c.signedHeaders) {
            const value = valid.headers[name] as string
            for (let index = 0; index < value.length; index++) {
              const changed =
                value.slice(0, index) + (value[index] === '1' ? '2' : '1') + value.slice(index + 1)
              const status = (await post({ ...valid.headers, [name]: changed }, valid.body)).status
              expect(status, `${name}[${index}]`).toBeGreaterThanOrEqual(400)
            }
          }
          expect(ran).toBe(1)
        },
      ),
      { numRuns: Math.ceil(RUNS / 30), seed: SEED },
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
