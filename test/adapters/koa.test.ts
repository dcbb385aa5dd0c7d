/** The adapter contract through Koa 2 and 3: plain, with @koa/router, and with @koa/bodyparser in front. */
import { createServer } from 'node:http'
import { bodyParser } from '@koa/bodyparser'
import Router from '@koa/router'
import Koa3, { type Middleware } from 'koa'
import Koa2 from 'koa2'
import getRawBody from 'raw-body'
import { koaMiddleware } from '../../src/adapters/koa.js'
import type { Receiver } from '../../src/index.js'
import { adapterContract, listening } from './contract.js'

type Koa = typeof Koa3

/** Builds an app: optional middleware in front, then the webhook at /hook, plain or on a @koa/router route. */
function app(
  Koa: Koa,
  receiver: Receiver<any>,
  options: { router: boolean; before?: Middleware[] },
  route = '/hook',
) {
  const koa = new Koa()
  koa.silent = true // Koa logs every error it answers (the hostile cases make many); the tests assert on answers
  for (const middleware of options.before ?? []) koa.use(middleware)
  if (options.router) {
    const router = new Router()
    router.all(route, koaMiddleware(receiver))
    koa.use(router.routes())
  } else {
    koa.use(koaMiddleware(receiver))
  }
  return listening(createServer(koa.callback()))
}

/** What koa-body does without `includeUnparsed`: reads the stream, keeps only the parsed object. */
const parseOnly: Middleware = async (ctx, next) => {
  const text = await getRawBody(ctx.req, { encoding: 'utf8' })
  ;(ctx.request as { body?: unknown }).body = JSON.parse(text)
  await next()
}

for (const [version, Koa] of [
  ['Koa 2', Koa2 as Koa],
  ['Koa 3', Koa3],
] as const) {
  const parsedFirst = {
    mount: (receiver: Receiver<any>) => app(Koa, receiver, { router: true, before: [parseOnly] }),
    fix: ['before app.use(bodyParser())', '@koa/bodyparser'],
  }
  adapterContract({
    name: `${version}, plain middleware`,
    mount: (receiver) => app(Koa, receiver, { router: false }),
    parsedFirst,
  })
  adapterContract({
    name: `${version}, @koa/router route`,
    mount: (receiver, route) => app(Koa, receiver, { router: true }, route),
    parsedFirst,
  })
  adapterContract({
    name: `${version}, @koa/router route after @koa/bodyparser`,
    mount: (receiver, route) => app(Koa, receiver, { router: true, before: [bodyParser()] }, route),
    refusedBeforeRoute: [400, 413, 415],
  })
}
