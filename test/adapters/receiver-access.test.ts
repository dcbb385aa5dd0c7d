/**
 * What only adapters use of a receiver (its body limit, its answer to a refusal found before `handle`) is kept off
 * the public `Receiver` and reached through one accessor, under a registered symbol: so it works across the ESM,
 * CJS and edge builds of the package, and an adapter given something that is not a receiver says so at once.
 */
import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { receiverAccess } from '../../src/adapter-kit/receiver-access.js'
import { lambdaHandler } from '../../src/adapters/aws-lambda.js'
import { expressMiddleware } from '../../src/adapters/express.js'
import { fastifyHandler, fastifyRawBody } from '../../src/adapters/fastify.js'
import { fetchHandler } from '../../src/adapters/fetch.js'
import { koaMiddleware } from '../../src/adapters/koa.js'
import { nextApiHandler, nextRouteHandler } from '../../src/adapters/next.js'
import { nodeHandler } from '../../src/adapters/node.js'
import { BodyTooLargeError, createReceiver, type Receiver } from '../../src/index.js'
import { stripe } from '../../src/providers/stripe.js'
import { signStripe, toRequest } from '../../src/testing/index.js'
import { silentLogger } from '../support/helpers.js'

const SECRET = 'whsec_access'
const make = () =>
  createReceiver({ provider: stripe({ secret: SECRET }), bodyLimit: 64, logger: silentLogger() })

describe('receiver access for adapters', () => {
  it('is not part of the public receiver: no bodyLimit or reject, nothing enumerable beyond the public members', () => {
    const receiver = make()
    expect(Object.keys(receiver).sort()).toEqual([
      'close',
      'deadLetters',
      'handle',
      'on',
      'onAny',
      'onError',
      'onOutcome',
      'provider',
      'replay',
      'verify',
      'work',
    ])
    expect(Object.getOwnPropertySymbols(receiver).map((symbol) => symbol.description)).toEqual([
      'webhook-receiver.adapter',
    ])
    expect('bodyLimit' in receiver).toBe(false)
    expect('reject' in receiver).toBe(false)
    // @ts-expect-error adapter-only members are gone from the public type
    void receiver.reject
    // @ts-expect-error adapter-only members are gone from the public type
    void receiver.bodyLimit
  })

  it('gives adapters the resolved body limit and the receiver’s own refusal answer', () => {
    const access = receiverAccess(make(), 'test')
    expect(access.bodyLimit).toBe(64)
    const response = access.reject(new BodyTooLargeError(64))
    expect(response.status).toBe(413)
    expect(JSON.parse(response.body).code).toBe('body_too_large')
  })

  it.each([
    ['expressMiddleware', (value: Receiver<any>) => expressMiddleware(value)],
    ['koaMiddleware', (value: Receiver<any>) => koaMiddleware(value)],
    ['fastifyHandler', (value: Receiver<any>) => fastifyHandler(value)],
    ['fastifyRawBody', (value: Receiver<any>) => fastifyRawBody({} as never, value)],
    ['fetchHandler', (value: Receiver<any>) => fetchHandler(value)],
    ['nextRouteHandler', (value: Receiver<any>) => nextRouteHandler(value)],
    ['nextApiHandler', (value: Receiver<any>) => nextApiHandler(value)],
    ['nodeHandler', (value: Receiver<any>) => nodeHandler(value)],
    ['lambdaHandler', (value: Receiver<any>) => lambdaHandler(value)],
  ])(
    '%s refuses, when it is created, something that is not a receiver, with a TypeError naming it',
    (name, adapt) => {
      const lookalike = { ...make() } // the public members, copied: not a receiver
      for (const value of [undefined, null, 'receiver', lookalike]) {
        expect(() => adapt(value as unknown as Receiver<any>)).toThrow(TypeError)
        expect(() => adapt(value as unknown as Receiver<any>)).toThrow(
          `${name}(receiver): pass a receiver made by createReceiver()`,
        )
      }
    },
  )

  it('works across copies of the package: a receiver from the sources, the adapter from the built CJS file', async () => {
    // The suite builds dist/ before vitest starts; this copy has its own modules, and only the symbol is shared.
    const require = createRequire(import.meta.url)
    const built = require('../../dist/adapters/fetch.cjs') as { fetchHandler: typeof fetchHandler }
    expect(built.fetchHandler).not.toBe(fetchHandler)
    const receiver = make()
    let runs = 0
    receiver.onAny(() => {
      runs++
    })
    const handle = built.fetchHandler(receiver)
    const ok = signStripe({ payload: { id: 'evt_a', type: 't', data: {} }, secret: SECRET })
    expect((await handle(toRequest('http://localhost/hook', ok))).status).toBe(200)
    expect(runs).toBe(1)
    const large = signStripe({ payload: { id: 'evt_b', type: 't', data: 'x'.repeat(100) }, secret: SECRET })
    const refused = await handle(toRequest('http://localhost/hook', large))
    expect(refused.status).toBe(413)
    expect((await refused.json()).code).toBe('body_too_large')
    expect(runs).toBe(1)
  })
})
