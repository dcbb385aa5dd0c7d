/**
 * One adapter contract, run per framework (the shape of inngest-js `src/test/helpers.ts`): each framework test file
 * supplies a tiny driver that mounts a receiver at `/hook` on the real framework and sends Web `Request`s through it,
 * and `adapterContract(driver)` checks every behaviour an adapter owes the sender, over that framework.
 */
import { request as httpRequest, type Server } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  createReceiver,
  tenantSecrets,
  memoryStore,
  type Receiver,
  type ReceiverOptions,
  type WebhookEvent,
} from '../../src/index.js'
import { stripe } from '../../src/providers/stripe.js'
import { signStripe, type SignedDelivery } from '../../src/testing/index.js'
import { deferred, silentLogger } from '../support/helpers.js'
import { countingReceiver, expectDocumented, hostileDelivery, mutationArbitrary } from '../support/hostile.js'
import { NOW, providerCase } from '../support/provider-cases.js'

/** A receiver mounted on a framework. */
export interface Mounted {
  /** Sends a request through the framework (over a real socket for Node frameworks) and returns its answer. */
  send(request: Request): Promise<Response>
  /** Where the framework listens on 127.0.0.1, for raw-socket tests; absent for in-process Web handlers. */
  url?: URL
  /** Bytes the server has read from all its connections so far (headers included), with `url`. */
  bytesRead?(): number
  /** Every promise the adapter handed to the platform (`waitUntil`, Next's `after()`), for adapters that do. */
  kept?: Promise<unknown>[]
  close(): Promise<void>
}

export interface AdapterDriver {
  name: string
  /**
   * Mounts the receiver at `/hook` for every method, the way docs/adapters.md tells users to; at `route` instead
   * when one is given (`/hook/:tenant`, a parameter in the syntax Express, Koa's router, Fastify and Hono share).
   * Drivers without routes (node:http, the bare handlers) answer every path and ignore it.
   */
  mount(receiver: Receiver<any>, route?: string): Promise<Mounted>
  /**
   * For frameworks where a body parser can consume the body first: mounts it that way, and lists what the
   * fix-it message must say.
   */
  parsedFirst?: { mount(receiver: Receiver<any>): Promise<Mounted>; fix: string[] }
  /**
   * Statuses the framework answers in its own format before the adapter runs, so no handler can. A body parser of
   * the app in front of the route (`express.json({ verify })`, `express.raw()`, `@koa/bodyparser`) keeps the raw
   * bytes for the adapter but refuses first what it cannot parse (400, 415) or what passes its own limit (413);
   * Fastify 5 refuses an unparseable Content-Type header (415) before any parser. Node's HTTP parser refuses
   * headers over 16 KiB (431) for every Node framework.
   */
  refusedBeforeRoute?: number[]
  /**
   * For platforms that take in the whole body before the adapter runs and hand it over in one piece (AWS Lambda:
   * API Gateway, Function URLs and ALBs put it in the event), the largest body they pass on; past it they answer 413
   * themselves. No read is left for the adapter to stop: what it owes is the refusal of a body over the receiver's
   * limit that the platform passed on, and of what is refused whatever its body, and that is what is checked.
   */
  platformBodyLimit?: number
  /**
   * For platforms that stop the process once the answer is sent (AWS Lambda freezes it): the adapter holds the answer
   * until the handlers have settled instead of sending the deadline's 202, and answers 200 once they succeeded, 500
   * when one failed.
   */
  holdsAnswerForHandlers?: boolean
  /**
   * The status the framework answers itself to a content type it has no parser for, where it never hands the body
   * over unparsed (Nest on Fastify: 415, until the app adds a parser for that type); the adapter never runs then.
   */
  unparsedContentType?: number
}

const SECRET = 'whsec_adapter_contract'
// Non-ASCII and irregular whitespace: any re-encoding of the body would change these bytes and break the signature.
const BODY = '{"id":"evt_c", "type":"customer.created",\t "data":{"object":{"name":"Zoë 🚀\\u00e9"}}}\n'
const HOOK = 'http://localhost/hook'
export const RUNS = 100
const SEED = 20261122

const stripeBody = (id: string) =>
  JSON.stringify({ id, type: 'customer.created', data: { object: { n: id } } })
const sign = (id = 'evt_1', timestamp = NOW): SignedDelivery =>
  signStripe({ payload: stripeBody(id), secret: SECRET, timestamp })
const toRequest = (delivery: SignedDelivery, init: RequestInit = {}) =>
  new Request(HOOK, { method: 'POST', headers: delivery.headers, body: delivery.body, ...init })

function setup(options: Partial<ReceiverOptions<ReturnType<typeof stripe>>> = {}) {
  const logger = silentLogger()
  const receiver = createReceiver({
    provider: stripe({ secret: SECRET }),
    now: () => NOW * 1000,
    logger,
    ...options,
  })
  const seen: WebhookEvent[] = []
  return { receiver, logger, seen }
}

async function problemCode(response: Response): Promise<string | undefined> {
  expect(response.headers.get('content-type')).toBe('application/problem+json')
  return ((await response.json()) as { code?: string }).code
}

/** Registers the whole contract for one framework. */
export function adapterContract(driver: AdapterDriver): void {
  describe(`${driver.name}: the adapter contract`, () => {
    /** Mounts a fresh receiver, runs `body`, and always closes the server. */
    async function withMounted<T>(
      receiver: Receiver<any>,
      body: (mounted: Mounted) => Promise<T>,
      mount = driver.mount,
    ): Promise<T> {
      const mounted = await mount(receiver)
      try {
        return await body(mounted)
      } finally {
        await mounted.close()
      }
    }

    it('answers 200 to a valid delivery and runs the handler once', async () => {
      const { receiver, seen } = setup()
      receiver.onAny((event) => void seen.push(event))
      await withMounted(receiver, async ({ send }) => {
        const response = await send(toRequest(sign()))
        expect(response.status).toBe(200)
        expect(await response.json()).toEqual({ received: true })
      })
      expect(seen.map((event) => event.id)).toEqual(['evt_1'])
    })

    it('verifies a non-ASCII body with irregular whitespace on its exact bytes', async () => {
      const { receiver, seen } = setup()
      receiver.onAny((event) => void seen.push(event))
      const delivery = signStripe({ payload: BODY, secret: SECRET, timestamp: NOW })
      await withMounted(receiver, async ({ send }) => {
        expect((await send(toRequest(delivery))).status).toBe(200)
      })
      expect(Buffer.from(seen[0]!.rawBody).toString('utf8')).toBe(BODY)
      expect(seen[0]!.headers['stripe-signature']).toBe(delivery.headers['stripe-signature'])
    })

    it('verifies a delivery whose content type no body parser takes (the stream is still unread)', async () => {
      // Express 4's express.json() and @koa/bodyparser still set an empty body object for types they skip.
      const { receiver, seen } = setup()
      receiver.onAny((event) => void seen.push(event))
      const delivery = sign()
      const headers = { ...delivery.headers, 'content-type': 'application/octet-stream' }
      await withMounted(receiver, async ({ send }) => {
        expect((await send(toRequest(delivery, { headers }))).status).toBe(driver.unparsedContentType ?? 200)
      })
      expect(seen).toHaveLength(driver.unparsedContentType === undefined ? 1 : 0)
    })

    it('answers 401 signature_invalid to a forged delivery and runs nothing', async () => {
      const { receiver, seen } = setup()
      receiver.onAny((event) => void seen.push(event))
      const forged = signStripe({ payload: stripeBody('evt_f'), secret: 'whsec_forger', timestamp: NOW })
      await withMounted(receiver, async ({ send }) => {
        const response = await send(toRequest(forged))
        expect(response.status).toBe(401)
        expect(await problemCode(response)).toBe('signature_invalid')
      })
      expect(seen).toHaveLength(0)
    })

    it('answers 401 timestamp_out_of_tolerance to a stale delivery and runs nothing', async () => {
      const { receiver, seen } = setup()
      receiver.onAny((event) => void seen.push(event))
      await withMounted(receiver, async ({ send }) => {
        const response = await send(toRequest(sign('evt_old', NOW - 301)))
        expect(response.status).toBe(401)
        expect(await problemCode(response)).toBe('timestamp_out_of_tolerance')
      })
      expect(seen).toHaveLength(0)
    })

    it('answers 200 duplicate to a retry of a handled delivery without running it again', async () => {
      const { receiver, seen } = setup()
      receiver.onAny((event) => void seen.push(event))
      await withMounted(receiver, async ({ send }) => {
        expect((await send(toRequest(sign()))).status).toBe(200)
        const retry = await send(toRequest(sign()))
        expect(retry.status).toBe(200)
        expect(await retry.json()).toEqual({ received: true, duplicate: true })
      })
      expect(seen).toHaveLength(1)
    })

    it('answers 409 with Retry-After to a copy that arrives while the first is still handled', async () => {
      const { receiver } = setup()
      const started = deferred()
      const release = deferred()
      let runs = 0
      receiver.onAny(async () => {
        runs++
        started.resolve()
        await release.promise
      })
      await withMounted(receiver, async ({ send }) => {
        const first = send(toRequest(sign()))
        await started.promise
        const copy = await send(toRequest(sign()))
        expect(copy.status).toBe(409)
        expect(copy.headers.get('retry-after')).toMatch(/^[1-9]\d*$/)
        expect(await problemCode(copy)).toBe('duplicate_in_flight')
        release.resolve()
        expect((await first).status).toBe(200)
      })
      expect(runs).toBe(1)
    })

    const platformLimit = driver.platformBodyLimit
    for (const declared of [true, false]) {
      const how = declared ? 'a declared Content-Length over the limit' : 'a chunked body over the limit'
      const reading =
        platformLimit === undefined ? 'without reading the body' : 'passed on whole by the platform'
      it(`answers 413 body_too_large to ${how}, ${reading}, and runs nothing`, async () => {
        const bodyLimit = 64 * 1024
        const { receiver, seen } = setup({ bodyLimit })
        receiver.onAny((event) => void seen.push(event))
        const parserLimit = driver.refusedBeforeRoute?.includes(413) === true
        await withMounted(receiver, async (mounted) => {
          if (platformLimit !== undefined) {
            // The platform read the body, up to its own limit: one over the receiver's is the adapter's to refuse.
            const total = Math.min(platformLimit, 4 * bodyLimit)
            const { status, text } = mounted.url
              ? await floodSocket(mounted.url, sign().headers, declared, true, total)
              : await floodStream(mounted, sign().headers, declared, total)
            expect(status).toBe(413)
            expect(JSON.parse(text).code).toBe('body_too_large')
            return
          }
          const { status, text, produced } = mounted.url
            ? await floodSocket(mounted.url, sign().headers, declared, parserLimit)
            : await floodStream(mounted, sign().headers, declared)
          expect(status).toBe(413)
          // An app's parser in front answers with its own 413 and drains the rest to keep the connection (body-parser
          // does): what it reads is its business. Everywhere else the adapter refuses and stops reading.
          if (parserLimit) return
          expect(JSON.parse(text).code).toBe('body_too_large')
          // Only what the socket buffers (or a few stream pulls) took before the answer, never the whole body.
          expect(produced).toBeLessThan(FLOOD_BYTES / 8)
          // Declared: refused before reading (wrapping the Request, as NextRequest does, may pull one chunk).
          if (declared && mounted.url === undefined) expect(produced).toBeLessThanOrEqual(CHUNK.byteLength)
        })
        expect(seen).toHaveLength(0)
      })
    }

    // What is refused whatever the body is answered before the adapter reads it, and the rest is never read: the
    // connection is closed (Node) or the stream cancelled (Web), so a flood of large bodies costs their headers.
    // A body parser of the app in front of the route reads bodies before any route runs: not the adapter's to stop.
    const parserInFront = driver.refusedBeforeRoute?.includes(413) === true
    const PATH_TOKEN = 'contract_path_token_0123456789'
    const unsigned = () => ({ 'content-type': 'application/json' })
    for (const [what, options, headers, status, code] of [
      ['a URL without the pathToken', { pathToken: PATH_TOKEN }, () => sign().headers, 404, 'not_found'],
      ['a delivery without a signature header', {}, unsigned, 401, 'signature_missing'],
    ] as const) {
      for (const declared of [true, false]) {
        const body = declared ? 'a declared 20 MiB body' : 'a chunked 20 MiB body'
        it.skipIf(parserInFront || platformLimit !== undefined)(
          `answers ${status} ${code} to ${what} with ${body} before reading it, and runs nothing`,
          async () => {
            const { receiver, seen } = setup(options)
            receiver.onAny((event) => void seen.push(event))
            await withMounted(receiver, async (mounted) => {
              if (mounted.url !== undefined) {
                const flood = await floodSocket(mounted.url, headers(), declared, false, UNREAD_BYTES)
                expect(flood.status).toBe(status)
                expect(JSON.parse(flood.text).code).toBe(code)
                // The server hung up before the client could send it all, having read a small part of it.
                expect(flood.produced).toBeLessThan(UNREAD_BYTES)
                expect(mounted.bytesRead!()).toBeLessThan(UNREAD_BYTES / 16)
              } else {
                const flood = await floodStream(mounted, headers(), declared, UNREAD_BYTES)
                expect(flood.status).toBe(status)
                expect(JSON.parse(flood.text).code).toBe(code)
                // Not a chunk pulled (wrapping the Request, as NextRequest does, may pull one), and the stream cancelled.
                expect(flood.produced).toBeLessThanOrEqual(CHUNK.byteLength)
                expect(flood.cancelled).toBe(true)
              }
            })
            expect(seen).toHaveLength(0)
          },
        )
      }
    }

    it('reads the tenant from the path of a /hook/:tenant route: each tenant verified with its own secret', async () => {
      // docs/providers.md, "Many tenants": the resolver sees the URL as received, whatever the framework's routing.
      const secrets: Record<string, string> = { acme: 'whsec_acme', globex: 'whsec_globex' }
      const lookups: string[] = []
      const { receiver, seen } = setup({
        provider: stripe({
          secret: tenantSecrets({
            tenant: (request) => new URL(request.url, 'http://localhost').pathname.split('/').pop(),
            secrets: async (tenant) => (lookups.push(tenant), secrets[tenant]),
          }),
        }),
      })
      receiver.onAny((event) => void seen.push(event))
      const signed = (secret: string, id: string) =>
        signStripe({ payload: stripeBody(id), secret, timestamp: NOW })
      const post = (path: string, delivery: SignedDelivery) =>
        new Request(`http://localhost${path}`, {
          method: 'POST',
          headers: delivery.headers,
          body: delivery.body,
        })
      await withMounted(
        receiver,
        async ({ send }) => {
          expect((await send(post('/hook/acme', signed('whsec_acme', 'evt_t1')))).status).toBe(200)
          expect((await send(post('/hook/globex?via=query', signed('whsec_globex', 'evt_t1')))).status).toBe(
            200,
          )
          const crossed = await send(post('/hook/globex', signed('whsec_acme', 'evt_t2')))
          expect(crossed.status).toBe(401)
          expect(await problemCode(crossed)).toBe('signature_invalid')
          const unknown = await send(post('/hook/initech', signed('whsec_acme', 'evt_t3')))
          expect(unknown.status).toBe(404)
          expect(await problemCode(unknown)).toBe('tenant_unknown')
          expect((await send(post('/hook/acme', signed('whsec_acme', 'evt_t1')))).status).toBe(200)
        },
        (receiver) => driver.mount(receiver, '/hook/:tenant'),
      )
      // One event id, two tenants: each ran once; the retry to acme was a duplicate.
      expect(seen.map((event) => `${event.tenant}/${event.id}`)).toEqual(['acme/evt_t1', 'globex/evt_t1'])
      expect(lookups).toEqual(['acme', 'globex', 'initech'])
    })
    if (platformLimit !== undefined) {
      for (const [what, options, headers, status, code] of [
        ['a URL without the pathToken', { pathToken: PATH_TOKEN }, () => sign().headers, 404, 'not_found'],
        ['a delivery without a signature header', {}, unsigned, 401, 'signature_missing'],
      ] as const) {
        it(`answers ${status} ${code} to ${what} with a large body the platform passed on, and runs nothing`, async () => {
          const { receiver, seen } = setup(options)
          receiver.onAny((event) => void seen.push(event))
          await withMounted(receiver, async (mounted) => {
            const total = Math.min(platformLimit, 1024 * 1024)
            const flood = mounted.url
              ? await floodSocket(mounted.url, headers(), true, true, total)
              : await floodStream(mounted, headers(), true, total)
            expect(flood.status).toBe(status)
            expect(JSON.parse(flood.text).code).toBe(code)
          })
          expect(seen).toHaveLength(0)
        })
      }
    }

    it('answers 405 with Allow: POST to a GET and runs nothing', async () => {
      const { receiver, seen } = setup()
      receiver.onAny((event) => void seen.push(event))
      await withMounted(receiver, async ({ send }) => {
        const response = await send(new Request(HOOK))
        expect(response.status).toBe(405)
        expect(response.headers.get('allow')).toBe('POST')
        expect(await problemCode(response)).toBe('method_not_allowed')
      })
      expect(seen).toHaveLength(0)
    })

    it('answers 500 and runs the handler again on the retry when the handler throws', async () => {
      const { receiver } = setup()
      const errors: unknown[] = []
      let runs = 0
      receiver.onAny(() => {
        runs++
        if (runs === 1) throw new Error('first attempt fails')
      })
      receiver.onError((error) => void errors.push(error))
      await withMounted(receiver, async ({ send }) => {
        const failed = await send(toRequest(sign()))
        expect(failed.status).toBe(500)
        const text = await failed.text()
        expect(JSON.parse(text).code).toBe('handler_failed')
        expect(text).not.toContain('first attempt fails')
        expect((await send(toRequest(sign()))).status).toBe(200)
      })
      expect(runs).toBe(2)
      expect(errors).toHaveLength(1)
    })

    // Skipped where the adapter holds the answer for the handlers: no 202 is sent there (the two tests below).
    const test = driver.holdsAnswerForHandlers === true ? it.skip : it
    test('answers 202 at the deadline while the handler goes on, and the handler finishes afterwards', async () => {
      const { receiver } = setup({ deadlineMs: 50 })
      const release = deferred()
      let finished = false
      receiver.onAny(async () => {
        await release.promise
        finished = true
      })
      await withMounted(receiver, async ({ send, kept }) => {
        const response = await send(toRequest(sign()))
        expect(response.status).toBe(202)
        expect(await response.json()).toEqual({ received: true, pending: true })
        expect(finished).toBe(false)
        if (kept !== undefined) {
          // The platform was handed the running work, and it settles only once the handler has finished.
          expect(kept).toHaveLength(1)
          let settled = false
          void kept[0]!.then(() => (settled = true))
          await Promise.resolve()
          expect(settled).toBe(false)
          release.resolve()
          await kept[0]
          expect(finished).toBe(true)
        }
        release.resolve()
        // Once the handler has finished, the event is recorded as done: a retry is a duplicate (409 until then).
        await expect.poll(async () => (await send(toRequest(sign()))).status === 200 && finished).toBe(true)
        const retry = await send(toRequest(sign()))
        expect(await retry.json()).toEqual({ received: true, duplicate: true })
      })
    })

    if (driver.holdsAnswerForHandlers === true) {
      /**
       * A memory store that tells when the receiver first renews a lease: it does so at the deadline, for the
       * handlers still running then, so the deadline has passed (no clock read, no sleep).
       */
      function deadlineWatch() {
        const store = memoryStore()
        const passed = deferred()
        const extend: typeof store.extend = (key, token, leaseMs) => {
          passed.resolve()
          return store.extend!(key, token, leaseMs)
        }
        return { store: { ...store, extend }, deadlinePassed: passed.promise }
      }

      it('holds the answer past the deadline until the handler has finished, then answers 200', async () => {
        const { store, deadlinePassed } = deadlineWatch()
        const { receiver } = setup({ deadlineMs: 50, store })
        let finished = false
        receiver.onAny(async () => {
          await deadlinePassed
          finished = true
        })
        await withMounted(receiver, async ({ send, kept }) => {
          const response = await send(toRequest(sign()))
          expect(finished).toBe(true)
          expect(response.status).toBe(200)
          expect(await response.json()).toEqual({ received: true })
          expect(kept ?? []).toHaveLength(0)
          const retry = await send(toRequest(sign()))
          expect(await retry.json()).toEqual({ received: true, duplicate: true })
        })
      })

      it('answers 500 when the handler fails past the deadline, and runs it again on the retry', async () => {
        const { store, deadlinePassed } = deadlineWatch()
        const { receiver } = setup({ deadlineMs: 50, store })
        const errors: unknown[] = []
        let runs = 0
        receiver.onAny(async () => {
          runs++
          if (runs > 1) return
          await deadlinePassed
          throw new Error('failed after the deadline')
        })
        receiver.onError((error) => void errors.push(error))
        await withMounted(receiver, async ({ send }) => {
          const failed = await send(toRequest(sign()))
          expect(failed.status).toBe(500)
          const text = await failed.text()
          expect(JSON.parse(text).code).toBe('handler_failed')
          expect(text).not.toContain('failed after the deadline')
          expect((await send(toRequest(sign()))).status).toBe(200)
        })
        expect(runs).toBe(2)
        expect(errors).toHaveLength(1)
      })
    }

    if (driver.parsedFirst !== undefined) {
      const { parsedFirst } = driver
      it('answers 500 raw_body_unavailable with the fix, logged once, when a body parser consumed the body', async () => {
        const { receiver, logger, seen } = setup()
        receiver.onAny((event) => void seen.push(event))
        await withMounted(
          receiver,
          async ({ send }) => {
            for (let attempt = 0; attempt < 2; attempt++) {
              const response = await send(toRequest(sign()))
              expect(response.status).toBe(500)
              const problem = (await response.json()) as { code: string; detail: string }
              expect(problem.code).toBe('raw_body_unavailable')
              for (const words of parsedFirst.fix) expect(problem.detail).toContain(words)
            }
          },
          parsedFirst.mount,
        )
        expect(logger.errors).toHaveLength(1)
        expect(seen).toHaveLength(0)
      })
    }

    it('stays healthy when a client disconnects mid-body, and runs no handler for it', async () => {
      const { receiver, seen } = setup()
      receiver.onAny((event) => void seen.push(event))
      await withMounted(receiver, async (mounted) => {
        if (mounted.url === undefined) {
          // In-process, a client that goes away is a body stream that errors mid-way.
          const stream = new ReadableStream<Uint8Array>({
            start: (controller) => controller.enqueue(new TextEncoder().encode('{"id":')),
            pull: (controller) => controller.error(new Error('client went away')),
          })
          const request = toRequest(sign(), { body: stream, duplex: 'half' } as RequestInit)
          // The adapter rethrows the stream's error; a framework on top (Hono) turns it into its own 500.
          const outcome = await mounted.send(request).then(
            (response) => response.status,
            (error: Error) => error.message,
          )
          expect([500, 'client went away']).toContain(outcome)
        } else {
          await disconnectMidBody(mounted.url, sign())
        }
        expect((await mounted.send(toRequest(sign()))).status).toBe(200)
      })
      expect(seen).toHaveLength(1)
    })

    it(`runs no handler for anything but an intact signed delivery, and answers only documented statuses (${RUNS} hostile cases)`, async () => {
      const c = providerCase('Stripe')
      const { receiver, runs } = countingReceiver(c, [c.secrets[0]])
      let n = 0
      await withMounted(receiver, async (mounted) => {
        await fc.assert(
          fc.asyncProperty(mutationArbitrary(c), async (mutation) => {
            const { hostile } = hostileDelivery(c, ++n, mutation)
            const headers = new Headers()
            try {
              for (const [name, value] of Object.entries(hostile.headers)) {
                for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item)
              }
            } catch {
              return // a header value no HTTP client can send (control characters): not a case for the wire
            }
            const body = typeof hostile.body === 'string' ? hostile.body : Buffer.from(hostile.body)
            const before = runs()
            const response = await mounted.send(new Request(HOOK, { method: 'POST', headers, body }))
            const text = await response.text()
            const beforeRoute = mounted.url === undefined ? [] : [431, ...(driver.refusedBeforeRoute ?? [])]
            if (beforeRoute.includes(response.status) && !isProblem(response)) {
              // Refused by Node or the framework before the adapter ran (see `refusedBeforeRoute`).
              expect(runs()).toBe(before)
              expect(text).not.toContain(c.secrets[0])
              return
            }
            expectDocumented(response.status, text)
            if (runs() > before)
              expect(hostile.signedPartsIntact, `handler ran for ${mutation.kind}`).toBe(true)
            expect(text).not.toContain(c.secrets[0])
          }),
          { numRuns: RUNS, seed: SEED },
        )
      })
    })
  })
}

const isProblem = (response: Response) => response.headers.get('content-type') === 'application/problem+json'

/** How much a flood offers: far more than any limit or socket buffer, so a server that drains it is caught. */
const FLOOD_BYTES = 128 * 1024 * 1024
/** The body of a request refused before its body: large enough that reading it whole would show. */
const UNREAD_BYTES = 20 * 1024 * 1024
const CHUNK = new Uint8Array(64 * 1024)

interface Flood {
  status: number
  text: string
  /** Bytes the client got to write, or the handler pulled: an upper bound of what the server read. */
  produced: number
  /** In-process: whether the handler cancelled the body stream. */
  cancelled?: boolean
}

/**
 * POSTs a 128 MiB body over a raw socket (declared in Content-Length or chunked) and keeps writing after the answer,
 * as a hostile client would: only the server closing the connection stops it (or, with `stopAtAnswer`, the answer).
 */
function floodSocket(
  url: URL,
  headers: Record<string, string>,
  declared: boolean,
  stopAtAnswer: boolean,
  total = FLOOD_BYTES,
): Promise<Flood> {
  return new Promise((resolve) => {
    let status = 0
    let text = ''
    let produced = 0
    const request = httpRequest({
      host: url.hostname,
      port: url.port,
      method: 'POST',
      path: '/hook',
      headers: declared ? { ...headers, 'content-length': String(total) } : headers,
    })
    request.on('response', (response) => {
      status = response.statusCode ?? 0
      response.setEncoding('utf8')
      response.on('data', (chunk: string) => (text += chunk))
      if (stopAtAnswer) response.once('end', () => request.destroy())
    })
    request.on('error', () => undefined) // EPIPE / ECONNRESET once the server hangs up
    request.on('close', () => resolve({ status, text, produced }))
    const pump = () => {
      while (produced < total && !request.destroyed) {
        produced += CHUNK.byteLength
        if (!request.write(CHUNK)) return void request.once('drain', pump)
      }
      request.end()
    }
    pump()
  })
}

/** The same for in-process Web handlers: a 128 MiB stream, counting what the handler pulled. */
async function floodStream(
  mounted: Mounted,
  headers: Record<string, string>,
  declared: boolean,
  total = FLOOD_BYTES,
): Promise<Flood> {
  let produced = 0
  let cancelled = false
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        produced += CHUNK.byteLength
        controller.enqueue(CHUNK)
        if (produced >= total) controller.close()
      },
      cancel() {
        cancelled = true
      },
    },
    { highWaterMark: 0 },
  )
  const response = await mounted.send(
    new Request(HOOK, {
      method: 'POST',
      headers: declared ? { ...headers, 'content-length': String(total) } : headers,
      body: stream,
      duplex: 'half',
    } as RequestInit),
  )
  return { status: response.status, text: await response.text(), produced, cancelled }
}

/** Sends the headers and a few bytes of a body, then drops the connection. */
function disconnectMidBody(url: URL, delivery: SignedDelivery): Promise<void> {
  return new Promise((resolve) => {
    const partial = httpRequest({
      host: url.hostname,
      port: url.port,
      path: '/hook',
      method: 'POST',
      headers: { ...delivery.headers, 'content-length': String(delivery.body.length) },
    })
    partial.on('error', () => undefined)
    partial.on('close', () => resolve())
    partial.write(delivery.body.slice(0, 10), () => setImmediate(() => partial.destroy()))
  })
}

/**
 * A Node server listening on 127.0.0.1 as a `Mounted`: requests are forwarded over a real socket with `fetch`,
 * with their body buffered so it goes out with a Content-Length, as senders send it.
 */
export async function listening(server: Server, onClose?: () => Promise<unknown>): Promise<Mounted> {
  const sockets: Socket[] = []
  server.on('connection', (socket: Socket) => void sockets.push(socket))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`)
  return {
    url,
    bytesRead: () => sockets.reduce((sum, socket) => sum + socket.bytesRead, 0),
    send: async (request) => {
      const { pathname, search } = new URL(request.url)
      const body = request.body === null ? undefined : await request.arrayBuffer()
      return fetch(new URL(pathname + search, url), {
        method: request.method,
        headers: request.headers,
        body,
      })
    },
    close: async () => {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
      await onClose?.()
    },
  }
}
