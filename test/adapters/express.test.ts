/** The adapter contract through Express 4 and 5, mounted the ways docs/adapters.md describes. */
import { createServer } from 'node:http'
import express5 from 'express'
import express4 from 'express4'
import { expressMiddleware } from '../../src/adapters/express.js'
import type { Receiver } from '../../src/index.js'
import { adapterContract, listening } from './contract.js'

type Express = typeof express5
const FIX = ['express.json()', 'before']

for (const [version, express] of [
  ['Express 4', express4 as Express],
  ['Express 5', express5],
] as const) {
  // The webhook route first, the app's parsers after it: the adapter reads the stream.
  adapterContract({
    name: `${version}, route before express.json()`,
    mount: (receiver, route = '/hook') => {
      const app = express()
      app.all(route, expressMiddleware(receiver))
      app.use(express.json())
      return listening(createServer(app))
    },
    parsedFirst: { mount: (receiver) => listening(createServer(parsedFirst(express, receiver))), fix: FIX },
  })

  // An app-wide express.json() that keeps the bytes with its verify hook.
  adapterContract({
    name: `${version}, after express.json({ verify })`,
    mount: (receiver, route = '/hook') => {
      const app = express()
      app.use(
        express.json({
          verify: (req, _res, buf) => {
            ;(req as unknown as { rawBody?: Buffer }).rawBody = buf
          },
        }),
      )
      app.all(route, expressMiddleware(receiver))
      return listening(createServer(app))
    },
    refusedBeforeRoute: [400, 413, 415],
  })
}

// The bytes left by express.raw() (a Buffer) and express.text() (a string) on the route itself.
for (const [parser, make] of [
  ['express.raw()', () => express5.raw({ type: '*/*' })],
  ['express.text()', () => express5.text({ type: '*/*' })],
] as const) {
  adapterContract({
    name: `Express 5, ${parser} on the route`,
    mount: (receiver, route = '/hook') => {
      const app = express5()
      app.all(route, make(), expressMiddleware(receiver))
      return listening(createServer(app))
    },
    refusedBeforeRoute: [400, 413, 415],
  })
}

function parsedFirst(express: Express, receiver: Receiver<any>) {
  const app = express()
  app.use(express.json())
  app.all('/hook', expressMiddleware(receiver))
  return app
}
