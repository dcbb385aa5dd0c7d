/**
 * Faults: bodies without end, clients that vanish, handlers that misbehave in every way a handler can.
 */
import { createServer, request as httpRequest, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { nodeHandler } from '../src/adapters/node.js'
import { createReceiver, type Handler } from '../src/index.js'
import { stripe } from '../src/providers/stripe.js'
import { signStripe } from '../src/testing/index.js'
import { deferred, silentLogger } from './support/helpers.js'

const SECRET = 'whsec_faults'
const delivery = (id = 'evt_f') =>
  signStripe({ payload: { id, type: 'customer.created', data: { object: {} } }, secret: SECRET })

describe('a body without end', () => {
  let server: Server | undefined
  afterEach(() => server?.close())

  const LIMIT = 64 * 1024
  /** What one read from a socket can deliver beyond the limit: Node reads the socket in 64 KiB chunks. */
  const ONE_SOCKET_READ = 64 * 1024

  /**
   * Streams up to 1 GiB of zeros; resolves when the connection closes, with the status, the bytes the client sent
   * and the bytes the server read from its socket (headers included).
   */
  async function flood(declareLength: boolean): Promise<{ status: number; produced: number; read: number }> {
    const receiver = createReceiver({
      provider: stripe({ secret: SECRET }),
      bodyLimit: LIMIT,
      logger: silentLogger(),
    })
    const handle = nodeHandler(receiver)
    let read = -1
    server = createServer((req, res) => {
      req.socket.once('close', () => (read = req.socket.bytesRead))
      void handle(req, res)
    })
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    const total = 1024 ** 3
    const headers: Record<string, string> = { ...delivery().headers }
    if (declareLength) headers['content-length'] = String(total)
    let produced = 0
    const chunk = Buffer.alloc(64 * 1024)
    // Keep sending after the answer, as a hostile client would: only the server closing the connection stops it.
    return new Promise((resolve) => {
      let status = 0
      const request = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/hook', headers })
      request.on('response', (response) => {
        status = response.statusCode ?? 0
        response.resume()
      })
      request.on('error', () => undefined) // EPIPE / ECONNRESET once the server hangs up
      // The server's socket closes first (it hung up); wait for its count before resolving.
      request.on('close', () => setImmediate(() => resolve({ status, produced, read })))
      const pump = () => {
        while (produced < total && !request.destroyed) {
          produced += chunk.length
          if (!request.write(chunk)) return request.once('drain', pump)
        }
        request.end()
      }
      pump()
    })
  }

  it('refuses a 1 GiB body declared in Content-Length with 413 before reading it', async () => {
    const { status, produced, read } = await flood(true)
    expect(status).toBe(413)
    expect(read).toBeGreaterThan(0)
    // Refused on the header, before the body is read: what arrived with the headers is all the server took in.
    expect(read).toBeLessThanOrEqual(LIMIT + ONE_SOCKET_READ)
    expect(produced).toBeLessThan(64 * 1024 * 1024) // only what socket buffers took before the hang-up
  })

  it('refuses a streamed 1 GiB body with 413 once the limit is passed, and stops reading', async () => {
    const { status, produced, read } = await flood(false)
    expect(status).toBe(413)
    expect(read).toBeGreaterThan(LIMIT)
    expect(read).toBeLessThanOrEqual(LIMIT + ONE_SOCKET_READ)
    expect(produced).toBeLessThan(64 * 1024 * 1024)
  })
})

describe('misbehaving handlers', () => {
  function setup(handler: Handler<any>, deadlineMs = 1_000) {
    const errors: unknown[] = []
    const receiver = createReceiver({
      provider: stripe({ secret: SECRET }),
      deadlineMs,
      logger: silentLogger(),
    })
    receiver.onAny(handler)
    receiver.onError((error) => {
      errors.push(error)
    })
    const send = () => receiver.handle({ url: '/', ...delivery() })
    return { send, errors }
  }

  it('answers 500 for a synchronous throw, reports it once, and lets the retry run', async () => {
    let calls = 0
    const { send, errors } = setup(() => {
      calls++
      if (calls === 1) throw new Error('sync')
    })
    expect((await send()).status).toBe(500)
    expect(errors).toHaveLength(1)
    expect((await send()).status).toBe(200)
    expect(calls).toBe(2)
  })

  it('answers 500 for a rejection, reports it once, and lets the retry run', async () => {
    let calls = 0
    const { send, errors } = setup(async () => {
      calls++
      if (calls === 1) throw new Error('async')
    })
    expect((await send()).status).toBe(500)
    expect((await send()).status).toBe(200)
    expect(errors).toHaveLength(1)
  })

  it('answers 500 for a thrown non-Error, and onError receives the value as it was thrown', async () => {
    const { send, errors } = setup(() => {
      throw 'a string' // eslint-disable-line no-throw-literal
    })
    expect((await send()).status).toBe(500)
    expect(errors).toEqual(['a string'])
  })

  it('answers 202 for a handler that never settles, and holds the lease (no second run while it holds)', async () => {
    let calls = 0
    const { send, errors } = setup(() => {
      calls++
      return new Promise(() => undefined)
    }, 20)
    expect((await send()).status).toBe(202)
    expect((await send()).status).toBe(409)
    expect(calls).toBe(1)
    expect(errors).toHaveLength(0)
  })

  it('answers 202 and then records success for a handler that settles after the deadline', async () => {
    const gate = deferred()
    const { send, errors } = setup(() => gate.promise, 20)
    expect((await send()).status).toBe(202)
    gate.resolve()
    await expect
      .poll(async () => JSON.parse((await send()).body))
      .toEqual({ received: true, duplicate: true })
    expect(errors).toHaveLength(0)
  })

  it('answers 202, then reports a failure after the deadline once and releases the event', async () => {
    const gate = deferred()
    let calls = 0
    const { send, errors } = setup(async () => {
      calls++
      if (calls === 1) {
        await gate.promise
        throw new Error('late')
      }
    }, 20)
    expect((await send()).status).toBe(202)
    gate.resolve()
    await expect.poll(() => errors.length).toBe(1)
    expect((await send()).status).toBe(200)
    expect(calls).toBe(2)
  })
})

describe('pathToken', () => {
  it('answers 404 before any other work when the URL lacks the token, and verifies when it has it', async () => {
    const { generatePathToken } = await import('../src/index.js')
    const pathToken = generatePathToken()
    const receiver = createReceiver({
      provider: stripe({ secret: SECRET }),
      pathToken,
      logger: silentLogger(),
    })
    const d = delivery()
    expect((await receiver.handle({ ...d, url: '/webhooks/stripe' })).status).toBe(404)
    expect((await receiver.handle({ ...d, url: `/webhooks/stripe/${pathToken.slice(1)}x` })).status).toBe(404)
    expect(
      (await receiver.handle({ method: 'GET', url: '/webhooks/stripe/nope', headers: {}, body: '' })).status,
    ).toBe(404)
    expect(
      (await receiver.handle({ ...d, url: `https://example.com/webhooks/stripe/${pathToken}?x=1` })).status,
    ).toBe(200)
    expect(() => createReceiver({ provider: stripe({ secret: SECRET }), pathToken: 'short' })).toThrow(
      /16 URL-safe/,
    )
  })
})
