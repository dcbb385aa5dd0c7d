/**
 * The adapter contract through the Web-standard handler: real `Request` objects in-process, Hono on top, and over
 * real HTTP behind @hono/node-server (the Node server Hono apps run on).
 */
import { createServer } from 'node:http'
import { getRequestListener } from '@hono/node-server'
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { fetchHandler } from '../../src/adapters/fetch.js'
import { createReceiver } from '../../src/index.js'
import { stripe } from '../../src/providers/stripe.js'
import { signStripe, toRequest } from '../../src/testing/index.js'
import { deferred, silentLogger } from '../support/helpers.js'
import { adapterContract, listening, type Mounted } from './contract.js'

/** An in-process handler as a `Mounted`, with every promise handed to `waitUntil` recorded. */
function inProcess(
  make: (waitUntil: (work: Promise<unknown>) => void) => (request: Request) => Promise<Response>,
): Mounted {
  const kept: Promise<unknown>[] = []
  const send = make((work) => void kept.push(work))
  return { send, kept, close: async () => undefined }
}

adapterContract({
  name: 'fetch, fetchHandler with waitUntil',
  mount: async (receiver) => inProcess((waitUntil) => fetchHandler(receiver, { waitUntil })),
})

adapterContract({
  name: 'fetch, Hono route passing its execution context',
  mount: async (receiver, route = '/hook') =>
    inProcess((waitUntil) => {
      const handle = fetchHandler(receiver)
      const app = new Hono()
      app.onError((_error, c) => c.text('Internal Server Error', 500)) // Hono's default also logs it
      // As on Cloudflare Workers: the platform's per-request context, called as ctx.waitUntil(work).
      app.all(route, (c) => handle(c.req.raw, c.executionCtx))
      const ctx = { waitUntil: waitUntil, passThroughOnException: () => undefined, props: {} }
      return (request) => Promise.resolve(app.fetch(request, {}, ctx))
    }),
})

adapterContract({
  name: 'fetch, fetchHandler behind @hono/node-server over HTTP',
  mount: (receiver) => {
    const handle = fetchHandler(receiver)
    return listening(
      createServer(getRequestListener((request) => handle(request), { overrideGlobalObjects: false })),
    )
  },
})

describe('fetchHandler with a per-request context', () => {
  /** A receiver whose handler outlives a 20 ms deadline until `release` resolves. */
  function slow() {
    const receiver = createReceiver({
      provider: stripe({ secret: 'whsec_w' }),
      deadlineMs: 20,
      logger: silentLogger(),
    })
    const release = deferred()
    receiver.onAny(() => release.promise)
    const delivery = signStripe({ payload: { id: 'evt_w', type: 't', data: {} }, secret: 'whsec_w' })
    return { receiver, release, request: toRequest('http://localhost/hook', delivery) }
  }

  it('calls waitUntil as a method of the context it was given, as Cloudflare requires', async () => {
    const { receiver, release, request } = slow()
    const handle = fetchHandler(receiver, {
      waitUntil: () => expect.unreachable('the per-request context wins'),
    })
    const context = {
      kept: [] as Promise<unknown>[],
      waitUntil(this: { kept: Promise<unknown>[] }, work: Promise<unknown>) {
        this.kept.push(work)
      },
    }
    expect((await handle(request, context)).status).toBe(202)
    expect(context.kept).toHaveLength(1)
    release.resolve()
    await context.kept[0]
  })

  it("ignores a second argument without waitUntil (Bun's server, Deno's info) and uses the option", async () => {
    const { receiver, release, request } = slow()
    const kept: Promise<unknown>[] = []
    const handle = fetchHandler(receiver, { waitUntil: (work) => void kept.push(work) })
    const bunServer = { upgrade: () => false } as never
    expect((await handle(request, bunServer)).status).toBe(202)
    expect(kept).toHaveLength(1)
    release.resolve()
  })
})
