/**
 * Property-based tests of the whole pipeline with hostile input, for every provider. `npm test` runs a few
 * thousand cases with a fixed seed; `npm run test:fuzz` runs the same properties with FUZZ_RUNS per property
 * (over 100,000 cases in all).
 */
import { inspect } from 'node:util'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createReceiver } from '../src/index.js'
import { applyMutation, DOCUMENTED, mutationArbitrary } from './support/hostile.js'
import { NOW, providerCases } from './support/provider-cases.js'
import { silentLogger } from './support/helpers.js'

const RUNS = Number(process.env.FUZZ_RUNS ?? 300)
const SEED = Number(process.env.FUZZ_SEED ?? 20261122)
const TOLERANCE = 300

describe.each(providerCases)('$name under hostile input', (c) => {
  it(`runs no handler for anything but an intact signed delivery, and answers only documented statuses (${RUNS} cases)`, async () => {
    const receiver = createReceiver({
      provider: c.provider([c.secrets[0], c.secrets[1]]),
      now: () => NOW * 1000,
      logger: silentLogger(),
    })
    let ran = 0
    receiver.onAny(() => {
      ran++
    })
    let n = 0
    await fc.assert(
      fc.asyncProperty(mutationArbitrary(c.timestamped), async (mutation) => {
        const id = ++n
        const valid = c.sign(c.secrets[0], NOW, id)
        const hostile = applyMutation(c, valid, mutation, (offset) => c.sign(c.secrets[0], NOW + offset, id))
        const before = ran
        const response = await receiver.handle({
          method: 'POST',
          url: '/hook',
          headers: hostile.headers,
          body: hostile.body,
        })
        const code =
          response.status >= 400 ? (JSON.parse(response.body) as { code?: string }).code : undefined
        expect(DOCUMENTED[response.status], `status ${response.status}`).toBeDefined()
        expect(DOCUMENTED[response.status]).toContain(code)
        expect(response.status, 'no internal error on any input').not.toBe(500)
        const bodyOnly = mutation.kind.startsWith('body-')
        if (ran > before && (c.signsBody !== false || !bodyOnly))
          expect(hostile.signedPartsIntact, `handler ran for ${mutation.kind}`).toBe(true)
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
          const valid = c.sign(c.secrets[0], now, id)
          const post = (headers: Record<string, string>, body: string | Uint8Array) =>
            receiver.handle({ method: 'POST', url: '/hook', headers, body })
          expect((await post(valid.headers, valid.body)).status).toBe(200)
          expect((await post(valid.headers, valid.body)).status).toBe(200) // the duplicate
          expect(ran).toBe(1)
          if (c.signsBody === false) return // GitLab signs nothing: its token proves the sender, not the content
          const bytes = Buffer.from(valid.body)
          for (let index = 0; index < bytes.length; index++) {
            const copy = Buffer.from(bytes)
            copy[index] = (copy[index] as number) ^ 0x20
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
    const stripeCase = providerCases.find((c) => c.name === 'stripe')!
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

describe.each(['express', 'node', 'fetch'] as const)(
  'hostile input over real HTTP through the %s adapter',
  (adapter) => {
    it('runs no handler for anything but an intact signed delivery, and answers only documented statuses (200 cases)', async () => {
      const { default: express } = await import('express')
      const { createServer } = await import('node:http')
      const { expressMiddleware } = await import('../src/adapters/express.js')
      const { nodeHandler } = await import('../src/adapters/node.js')
      const { fetchHandler } = await import('../src/adapters/fetch.js')
      const c = providerCases.find((candidate) => candidate.name === 'stripe')!
      const receiver = createReceiver({
        provider: c.provider([c.secrets[0]]),
        now: () => NOW * 1000,
        logger: silentLogger(),
      })
      let ran = 0
      receiver.onAny(() => {
        ran++
      })
      // The fetch adapter runs in-process on real Request objects; Express and node:http listen on 127.0.0.1.
      const server =
        adapter === 'express'
          ? createServer(express().post('/hook', expressMiddleware(receiver)))
          : adapter === 'node'
            ? createServer(nodeHandler(receiver))
            : undefined
      await new Promise<void>((resolve) => (server ? server.listen(0, '127.0.0.1', resolve) : resolve()))
      const url = server
        ? `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`
        : 'http://localhost/hook'
      const handle = fetchHandler(receiver)
      let n = 0
      try {
        await fc.assert(
          fc.asyncProperty(mutationArbitrary(true), async (mutation) => {
            const id = ++n
            const valid = c.sign(c.secrets[0], NOW, id)
            const hostile = applyMutation(c, valid, mutation, (offset) =>
              c.sign(c.secrets[0], NOW + offset, id),
            )
            const headers = new Headers()
            try {
              for (const [name, value] of Object.entries(hostile.headers)) {
                for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item)
              }
            } catch {
              return // a header value no HTTP client can send (control characters): not a case for the wire
            }
            const body = typeof hostile.body === 'string' ? hostile.body : Buffer.from(hostile.body)
            const request = new Request(url, { method: 'POST', headers, body })
            const before = ran
            const response = server ? await fetch(request) : await handle(request)
            const text = await response.text()
            if (server && response.status === 431) {
              // Node's HTTP parser refuses headers over 16 KiB before any application code runs.
              expect(text).toBe('')
              expect(ran).toBe(before)
              return
            }
            const code = response.status >= 400 ? (JSON.parse(text) as { code?: string }).code : undefined
            expect(DOCUMENTED[response.status]).toContain(code)
            expect(response.status).not.toBe(500)
            if (ran > before) expect(hostile.signedPartsIntact).toBe(true)
            expect(text).not.toContain(c.secrets[0])
          }),
          { numRuns: 200, seed: SEED },
        )
      } finally {
        server?.close()
      }
    })
  },
)
