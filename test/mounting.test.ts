/**
 * The raw body, wherever the app's setup leaves it: Express mounted before or after body parsers, the fetch handler
 * with real `Request`s, and the node:http handler on a real server.
 */
import { createServer, request as httpRequest, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import express, { type Request } from 'express'
import request from 'supertest'
import { afterEach, describe, expect, it } from 'vitest'
import { expressMiddleware } from '../src/adapters/express.js'
import { fetchHandler } from '../src/adapters/fetch.js'
import { nodeHandler } from '../src/adapters/node.js'
import { createReceiver, type WebhookEvent } from '../src/index.js'
import { stripe } from '../src/providers/stripe.js'
import { signStripe, toRequest } from '../src/testing/index.js'
import { deferred, silentLogger } from './support/helpers.js'

const SECRET = 'whsec_mounting'
// Non-ASCII and irregular spacing: any re-encoding of the body would change these bytes and break the signature.
const BODY = '{"id":"evt_m", "type":"customer.created",  "data":{"object":{"name":"Zoë 🚀"}}}'

function receiverWithLog(options: { bodyLimit?: number } = {}) {
  const logger = silentLogger()
  const receiver = createReceiver({ provider: stripe({ secret: SECRET }), logger, ...options })
  const seen: WebhookEvent[] = []
  receiver.onAny((event) => {
    seen.push(event)
  })
  return { receiver, logger, seen }
}

describe('Express mounting', () => {
  const delivery = () => signStripe({ payload: BODY, secret: SECRET })

  it('verifies when the webhook route is mounted before express.json()', async () => {
    const { receiver, seen } = receiverWithLog()
    const app = express()
    app.post('/hook', expressMiddleware(receiver))
    app.use(express.json())
    const d = delivery()
    expect((await request(app).post('/hook').set(d.headers).send(d.body)).status).toBe(200)
    expect(Buffer.from(seen[0]!.rawBody).toString('utf8')).toBe(BODY)
    expect(seen[0]!.headers['stripe-signature']).toBe(d.headers['stripe-signature'])
  })

  it('answers 500 raw_body_unavailable with the fix, logged once, when express.json() ran first', async () => {
    const { receiver, logger, seen } = receiverWithLog()
    const app = express()
    app.use(express.json())
    app.post('/hook', expressMiddleware(receiver))
    for (let attempt = 0; attempt < 2; attempt++) {
      const d = delivery()
      const response = await request(app).post('/hook').set(d.headers).send(d.body)
      expect(response.status).toBe(500)
      expect(response.body.code).toBe('raw_body_unavailable')
      expect(response.body.detail).toContain('express.json()')
      expect(response.body.detail).toContain('before')
    }
    expect(logger.errors).toHaveLength(1)
    expect(seen).toHaveLength(0)
  })

  it('verifies with the bytes kept by an express.json({ verify }) hook', async () => {
    const { receiver, seen } = receiverWithLog()
    const app = express()
    app.use(
      express.json({
        verify: (req, _res, buf) => {
          ;(req as Request & { rawBody?: Buffer }).rawBody = buf
        },
      }),
    )
    app.post('/hook', expressMiddleware(receiver))
    const d = delivery()
    expect((await request(app).post('/hook').set(d.headers).send(d.body)).status).toBe(200)
    expect(seen).toHaveLength(1)
  })

  it('verifies the Buffer left by express.raw() and the string left by express.text()', async () => {
    for (const parser of [express.raw({ type: '*/*' }), express.text({ type: '*/*' })]) {
      const { receiver, seen } = receiverWithLog()
      const app = express()
      app.post('/hook', parser, expressMiddleware(receiver))
      const d = delivery()
      expect((await request(app).post('/hook').set(d.headers).send(d.body)).status).toBe(200)
      expect(Buffer.from(seen[0]!.rawBody).toString('utf8')).toBe(BODY)
    }
  })
})

describe('fetchHandler', () => {
  it('answers 200 once, then 200 duplicate, for a real Request', async () => {
    const { receiver, seen } = receiverWithLog()
    const handle = fetchHandler(receiver)
    const d = signStripe({ payload: BODY, secret: SECRET })
    const first = await handle(toRequest('http://localhost/hook', d))
    expect(first.status).toBe(200)
    expect(await (await handle(toRequest('http://localhost/hook', d))).json()).toEqual({
      received: true,
      duplicate: true,
    })
    expect(seen).toHaveLength(1)
  })

  it('answers 401 for a forged Request and 405 with Allow for a GET', async () => {
    const { receiver } = receiverWithLog()
    const handle = fetchHandler(receiver)
    const forged = signStripe({ payload: BODY, secret: 'whsec_other' })
    expect((await handle(toRequest('http://localhost/hook', forged))).status).toBe(401)
    const get = await handle(new Request('http://localhost/hook'))
    expect(get.status).toBe(405)
    expect(get.headers.get('allow')).toBe('POST')
  })

  it('answers 413 for a streamed body over the limit without Content-Length, and stops reading it', async () => {
    const { receiver, seen } = receiverWithLog({ bodyLimit: 1024 })
    const handle = fetchHandler(receiver)
    let pulled = 0
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++
        controller.enqueue(new Uint8Array(512))
        if (pulled === 1000) controller.close()
      },
    })
    const d = signStripe({ payload: BODY, secret: SECRET })
    const response = await handle(
      new Request('http://localhost/hook', {
        method: 'POST',
        headers: d.headers,
        body: stream,
        duplex: 'half',
      } as RequestInit),
    )
    expect(response.status).toBe(413)
    expect(pulled).toBeLessThan(10)
    expect(seen).toHaveLength(0)
  })
})

describe('nodeHandler on a real server', () => {
  let server: Server | undefined
  afterEach(() => server?.close())

  async function listen(handler: ReturnType<typeof nodeHandler>): Promise<string> {
    server = createServer(handler)
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve))
    return `http://127.0.0.1:${(server!.address() as AddressInfo).port}/hook`
  }

  it('answers 200 once, 200 duplicate, 401 forged and 413 over the limit', async () => {
    const { receiver, seen } = receiverWithLog({ bodyLimit: 4096 })
    const url = await listen(nodeHandler(receiver))
    const d = signStripe({ payload: BODY, secret: SECRET })
    const post = (body: string, headers = d.headers) => fetch(url, { method: 'POST', headers, body })
    expect((await post(d.body)).status).toBe(200)
    expect(await (await post(d.body)).json()).toEqual({ received: true, duplicate: true })
    expect((await post(d.body.replace('Zoë', 'Zoe'))).status).toBe(401)
    expect((await post('x'.repeat(5000))).status).toBe(413)
    expect(seen).toHaveLength(1)
  })

  it('stays healthy when a client disconnects mid-body, and runs no handler for it', async () => {
    const { receiver, seen } = receiverWithLog()
    const url = new URL(await listen(nodeHandler(receiver)))
    const d = signStripe({ payload: BODY, secret: SECRET })
    const closed = deferred()
    const partial = httpRequest({
      host: url.hostname,
      port: url.port,
      path: url.pathname,
      method: 'POST',
      headers: { ...d.headers, 'content-length': String(d.body.length) },
    })
    partial.on('error', () => undefined)
    partial.on('close', () => closed.resolve())
    partial.write(d.body.slice(0, 10))
    await new Promise((resolve) => setImmediate(resolve))
    partial.destroy()
    await closed.promise
    const next = await fetch(url, { method: 'POST', headers: d.headers, body: d.body })
    expect(next.status).toBe(200)
    expect(seen).toHaveLength(1)
  })
})
