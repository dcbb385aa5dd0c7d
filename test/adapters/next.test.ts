/**
 * The adapter contract through Next.js 16: the App Router handler with real `Request` and `NextRequest` objects,
 * run inside a request scope whose `after()` hands work to the platform's `waitUntil` the way Next does on Vercel,
 * and the Pages Router handler behind Next's own API resolver on a real node:http server.
 */
// Next's own first import in its server: exposes AsyncLocalStorage, which its request scopes are built on.
import 'next/dist/server/node-environment-baseline.js'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { apiResolver } from 'next/dist/server/api-utils/node/api-resolver.js'
import { workAsyncStorage } from 'next/dist/server/app-render/work-async-storage.external.js'
import { workUnitAsyncStorage } from 'next/dist/server/app-render/work-unit-async-storage.external.js'
import { AfterContext } from 'next/dist/server/after/after-context.js'
import { NextRequest } from 'next/server.js'
import { describe, expect, it } from 'vitest'
import { nextApiHandler, nextRouteHandler } from '../../src/adapters/next.js'
import { createReceiver, type Receiver } from '../../src/index.js'
import { stripe } from '../../src/providers/stripe.js'
import { signStripe, toRequest } from '../../src/testing/index.js'
import { deferred, silentLogger } from '../support/helpers.js'
import { adapterContract, listening, type Mounted } from './contract.js'

/**
 * Runs the route handler as Next runs it: inside a work store whose AfterContext passes `after()` work to the
 * platform's `waitUntil` (recorded here), and a work unit store, the two scopes `after()` requires.
 */
function appRouter(receiver: Receiver<any>, wrap: (request: Request) => Request): Mounted {
  const POST = nextRouteHandler(receiver)
  const kept: Promise<unknown>[] = []
  const send = (request: Request) => {
    const afterContext = new AfterContext({
      waitUntil: (work) => void kept.push(work),
      onClose: () => undefined,
      onTaskError: undefined,
    })
    const workStore = { afterContext } as never
    const workUnitStore = { type: 'request', phase: 'action' } as never
    return workAsyncStorage.run(workStore, () =>
      workUnitAsyncStorage.run(workUnitStore, () => POST(wrap(request))),
    )
  }
  return { send, kept, close: async () => undefined }
}

adapterContract({
  name: 'Next.js App Router, nextRouteHandler with Request',
  mount: async (receiver) => appRouter(receiver, (request) => request),
})

adapterContract({
  name: 'Next.js App Router, nextRouteHandler with NextRequest',
  mount: async (receiver) => appRouter(receiver, (request) => new NextRequest(request)),
})

/** A Pages Router API route behind Next's own resolver, which parses the body unless the route's config says not. */
function pagesRouter(receiver: Receiver<any>, config: object | undefined, options = {}): Promise<Mounted> {
  const routeModule = { default: nextApiHandler(receiver, options), config }
  const context = { dev: false, previewModeId: '', previewModeEncryptionKey: '', previewModeSigningKey: '' }
  return listening(
    createServer((req: IncomingMessage, res: ServerResponse) =>
      apiResolver(req, res, {}, routeModule, context, false, false, '/api/hook'),
    ),
  )
}

adapterContract({
  name: 'Next.js Pages Router, nextApiHandler with bodyParser: false',
  mount: async (receiver) => {
    const kept: Promise<unknown>[] = []
    const mounted = await pagesRouter(
      receiver,
      { api: { bodyParser: false } },
      { waitUntil: (work: Promise<unknown>) => void kept.push(work) },
    )
    return { ...mounted, kept }
  },
  parsedFirst: {
    // No config export: Next parses the JSON body before the handler runs.
    mount: (receiver) => pagesRouter(receiver, undefined),
    fix: ['export const config = { api: { bodyParser: false } }'],
  },
})

describe('nextRouteHandler outside a request scope', () => {
  it('answers 202 and lets the handler finish when after() throws there (tests, custom servers)', async () => {
    const logger = silentLogger()
    const receiver = createReceiver({ provider: stripe({ secret: 'whsec_n' }), deadlineMs: 20, logger })
    const release = deferred()
    let finished = false
    receiver.onAny(async () => {
      await release.promise
      finished = true
    })
    const POST = nextRouteHandler(receiver)
    const delivery = signStripe({ payload: { id: 'evt_n', type: 't', data: {} }, secret: 'whsec_n' })
    expect((await POST(toRequest('http://localhost/hook', delivery))).status).toBe(202)
    expect(String(logger.warnings[0]?.[0])).toContain('waitUntil() threw')
    release.resolve()
    await expect.poll(() => finished).toBe(true)
  })
})
