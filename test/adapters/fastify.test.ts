/** The adapter contract through Fastify 4 and 5: the plugin, and a route declared in a scope prepared by hand. */
import Fastify5 from 'fastify'
import Fastify4 from 'fastify4'
import { describe, expect, it } from 'vitest'
import { fastifyHandler, fastifyPlugin, fastifyRawBody } from '../../src/adapters/fastify.js'
import { createReceiver, type Receiver } from '../../src/index.js'
import { stripe } from '../../src/providers/stripe.js'
import { signStripe } from '../../src/testing/index.js'
import { silentLogger } from '../support/helpers.js'
import { adapterContract, listening, type Mounted } from './contract.js'

type Fastify = typeof Fastify5

/** Listens on 127.0.0.1 through Fastify's own server, after `ready()`. */
async function serve(app: ReturnType<Fastify>): Promise<Mounted> {
  await app.ready()
  return listening(app.server, () => app.close())
}

/** The app as docs/adapters.md shows it: a JSON route of its own, and the webhook plugin beside it. */
function withPlugin(Fastify: Fastify, receiver: Receiver<any>, route = '/hook') {
  const app = Fastify()
  app.post('/json', async (request) => ({ parsed: request.body }))
  app.register(fastifyPlugin, { receiver, path: route })
  return app
}

for (const [version, Fastify, refusedBeforeRoute] of [
  ['Fastify 4', Fastify4 as unknown as Fastify, []],
  // Fastify 5 answers 415 itself to a Content-Type header it cannot parse, before any content parser.
  ['Fastify 5', Fastify5, [415]],
] as const) {
  const parsedFirst = {
    // fastifyHandler on a route of the root context, where Fastify's JSON parser runs.
    mount: (receiver: Receiver<any>) => {
      const app = Fastify()
      app.all('/hook', fastifyHandler(receiver))
      return serve(app)
    },
    fix: ['fastifyRawBody(scope, receiver)', 'fastifyPlugin'],
  }
  adapterContract({
    name: `${version}, fastifyPlugin`,
    mount: (receiver, route) => serve(withPlugin(Fastify, receiver, route)),
    parsedFirst,
    refusedBeforeRoute: [...refusedBeforeRoute],
  })
  adapterContract({
    name: `${version}, fastifyHandler in a scope prepared with fastifyRawBody`,
    mount: (receiver, route = '/hook') => {
      const app = Fastify()
      app.register(async (scope) => {
        fastifyRawBody(scope, receiver)
        scope.all(route, fastifyHandler(receiver))
      })
      return serve(app)
    },
    parsedFirst,
    refusedBeforeRoute: [...refusedBeforeRoute],
  })

  describe(`${version}: encapsulation`, () => {
    const receiver = () => createReceiver({ provider: stripe({ secret: 'whsec_f' }), logger: silentLogger() })

    it("leaves the app's own JSON routes parsing JSON", async () => {
      const app = withPlugin(Fastify, receiver())
      const response = await app.inject({ method: 'POST', url: '/json', payload: { a: [1, 'é'] } })
      expect(response.statusCode).toBe(200)
      expect(response.json()).toEqual({ parsed: { a: [1, 'é'] } })
      await app.close()
    })

    it("leaves the app's own error handler to the app's routes", async () => {
      const app = withPlugin(Fastify, receiver())
      app.setErrorHandler(async (_error, _request, reply) => reply.code(418).send('app handler'))
      app.post('/fails', async () => {
        throw new Error('boom')
      })
      expect((await app.inject({ method: 'POST', url: '/fails', payload: {} })).statusCode).toBe(418)
      await app.close()
    })

    it("refuses early only on fastifyHandler routes, leaving the scope's other routes as they are", async () => {
      const app = Fastify()
      app.register(async (scope) => {
        fastifyRawBody(scope, receiver())
        scope.all('/hook', fastifyHandler(receiver()))
        scope.get('/hook/health', async () => ({ ok: true }))
      })
      expect((await app.inject({ method: 'GET', url: '/hook/health' })).json()).toEqual({ ok: true })
      const unsigned = await app.inject({ method: 'POST', url: '/hook', payload: { id: 'evt_u' } })
      expect(unsigned.statusCode).toBe(401)
      expect(unsigned.json().code).toBe('signature_missing')
      await app.close()
    })

    it('verifies through inject() as well as over a socket', async () => {
      const r = receiver()
      const seen: string[] = []
      r.onAny((event) => void seen.push(event.id))
      const app = withPlugin(Fastify, r)
      const delivery = signStripe({ payload: { id: 'evt_i', type: 't', data: {} }, secret: 'whsec_f' })
      const response = await app.inject({
        method: 'POST',
        url: '/hook',
        headers: delivery.headers,
        payload: delivery.body,
      })
      expect(response.statusCode).toBe(200)
      expect(seen).toEqual(['evt_i'])
      await app.close()
    })
  })
}
