/**
 * Every app in examples/, started for real the way examples/README.md says (tsx for the servers; `next build` then
 * `next start` for the Next.js apps; `tsc` then `node` for the NestJS app, on each of its platforms) on a free
 * 127.0.0.1 port, and sent signed deliveries over HTTP. The apps import `webhook-receiver` by its name, so this runs
 * against dist/: `npm run test:examples` builds it first.
 *
 * Each handler prints `handled <provider> <type> <id> …`. A handler runs before its answer is sent, but the line may
 * reach this process after the answer does, so lines are counted only once a later one has arrived (`settle`).
 */
import { randomUUID } from 'node:crypto'
import { createRequire } from 'node:module'
import { signGitHub, signStripe, type SignedDelivery } from 'webhook-receiver/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '../support/free-port.js'
import { startRedis, type RedisServer } from '../support/redis-server.js'
import { runToEnd, startApp, startPrinting, stopAll, type AppProcess } from './app-process.js'

const STRIPE_SECRET = 'whsec_examples_test_only'
const GITHUB_SECRET = 'examples test only'

interface Example {
  name: string
  /** `node` arguments run to completion before the app starts. */
  build?: string[]
  /** `node` arguments that start the app listening on 127.0.0.1:`port`. */
  start: (port: number) => string[]
  /** Where the app mounts its routes: `<prefix>/stripe` and `<prefix>/github`. */
  prefix: string
  /** More of its environment. */
  env?: Record<string, string>
}

const resolve = createRequire(import.meta.url).resolve
const next = resolve('next/dist/bin/next')
const tsx = (file: string) => () => ['--import', 'tsx', file]
// Compiled by tsc, as `nest build` does: Nest's injector reads the constructor parameter types tsc emits.
const nestApp = (platform: 'express' | 'fastify'): Example => ({
  name: `examples/nest (${platform})`,
  build: [resolve('typescript/bin/tsc'), '-p', 'examples/nest'],
  start: () => ['examples/nest/dist/main.js', platform],
  prefix: '/webhooks',
})
const nextApp = (dir: string, prefix: string): Example => ({
  name: dir,
  build: [next, 'build', dir],
  start: (port) => [next, 'start', dir, '--port', String(port), '--hostname', '127.0.0.1'],
  prefix,
})

const examples: Example[] = [
  { name: 'examples/express', start: tsx('examples/express/server.ts'), prefix: '/webhooks' },
  { name: 'examples/koa', start: tsx('examples/koa/server.ts'), prefix: '/webhooks' },
  { name: 'examples/fastify', start: tsx('examples/fastify/server.ts'), prefix: '/webhooks' },
  { name: 'examples/hono', start: tsx('examples/hono/server.ts'), prefix: '/webhooks' },
  nestApp('express'),
  nestApp('fastify'),
  nextApp('examples/next-app', '/webhooks'),
  // Its valid deliveries answering 200 prove `bodyParser: false` took effect: with the parser on, Next consumes
  // the body and the answer is 500 raw_body_unavailable.
  nextApp('examples/next-pages', '/api/webhooks'),
  // The Lambda functions behind the local front that plays each event source (test/support/lambda-front.ts): a REST
  // API hands them every body base64-encoded, an ALB with multi-value headers reads only multiValueHeaders back.
  ...(['rest-api', 'http-api', 'alb-multi-value'] as const).map((source) => ({
    name: `examples/aws-lambda (${source})`,
    start: tsx('test/examples/aws-lambda-front.ts'),
    prefix: '/webhooks',
    env: { LAMBDA_SOURCE: source },
  })),
]

/** What the examples read, as a deployment would set it (vitest's own NODE_ENV is `test`). */
function environment(port: number): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: 'production',
    PORT: String(port),
    STRIPE_WEBHOOK_SECRET: STRIPE_SECRET,
    GITHUB_WEBHOOK_SECRET: GITHUB_SECRET,
    NEXT_TELEMETRY_DISABLED: '1', // no usage report from `next build` / `next start`
  }
}

let sequence = 0
/** A payment_intent.succeeded event with a new id, pretty-printed as Stripe sends it, signed now. */
function payment(secret = STRIPE_SECRET): { id: string; delivery: SignedDelivery } {
  const id = `evt_examples_${++sequence}`
  const event = {
    id,
    object: 'event',
    type: 'payment_intent.succeeded',
    data: { object: { id: `pi_${sequence}`, object: 'payment_intent', amount: 4200, currency: 'eur' } },
  }
  return { id, delivery: signStripe({ payload: JSON.stringify(event, null, 2), secret }) }
}

/** Sends a delivery; the answer's status and parsed body, compared together so a failure shows both. */
async function postTo(base: string, route: string, delivery: SignedDelivery) {
  const response = await fetch(base + route, {
    method: 'POST',
    headers: delivery.headers,
    body: delivery.body,
  })
  return { status: response.status, body: await response.json() }
}

/** The `handled …` lines an app printed so far for this event. */
const linesOf = (app: AppProcess, provider: string, type: string, id: string) =>
  app
    .stdout()
    .split('\n')
    .filter((line) => `${line} `.startsWith(`handled ${provider} ${type} ${id} `)).length

const issueOpened = (id: string) =>
  signGitHub({
    event: 'issues',
    deliveryId: id,
    payload: { action: 'opened', issue: { number: 7, title: 'Example issue' } },
    secret: GITHUB_SECRET,
  })

afterAll(stopAll)

for (const example of examples) {
  describe(example.name, () => {
    let app: AppProcess
    let base: string

    beforeAll(async () => {
      const port = await freePort()
      const env = { ...environment(port), ...example.env }
      if (example.build) await runToEnd(example.build, env)
      app = await startApp(example.start(port), env, port)
      base = `http://127.0.0.1:${port}${example.prefix}`
    })
    afterAll(() => app?.stop())

    const post = (route: string, delivery: SignedDelivery) => postTo(base, route, delivery)
    const runs = (provider: string, type: string, id: string) => linesOf(app, provider, type, id)

    /** Sends a new valid event and waits for its line: every line printed before it has then arrived too. */
    async function settle(): Promise<void> {
      const { id, delivery } = payment()
      expect(await post('/stripe', delivery)).toEqual({ status: 200, body: { received: true } })
      await expect.poll(() => runs('stripe', 'payment_intent.succeeded', id)).toBe(1)
    }

    it('verifies a valid Stripe delivery on its raw bytes: 200, and the handler runs once', async () => {
      const { id, delivery } = payment()
      expect(await post('/stripe', delivery)).toEqual({ status: 200, body: { received: true } })
      await settle()
      expect(runs('stripe', 'payment_intent.succeeded', id)).toBe(1)
    })

    it('answers the same delivery again 200 duplicate, without running the handler again', async () => {
      const { id, delivery } = payment()
      expect(await post('/stripe', delivery)).toEqual({ status: 200, body: { received: true } })
      expect(await post('/stripe', delivery)).toEqual({
        status: 200,
        body: { received: true, duplicate: true },
      })
      await settle()
      expect(runs('stripe', 'payment_intent.succeeded', id)).toBe(1)
    })

    it('refuses a forged Stripe delivery with 401 signature_invalid, without running a handler', async () => {
      const { id, delivery } = payment('whsec_not_the_endpoint_secret')
      expect(await post('/stripe', delivery)).toMatchObject({
        status: 401,
        body: { code: 'signature_invalid' },
      })
      await settle()
      expect(runs('stripe', 'payment_intent.succeeded', id)).toBe(0)
    })

    it('verifies a valid GitHub delivery: 200, and the issues.opened handler runs once', async () => {
      const id = randomUUID()
      expect(await post('/github', issueOpened(id))).toEqual({ status: 200, body: { received: true } })
      await settle()
      expect(runs('github', 'issues.opened', id)).toBe(1)
    })
  })
}

describe('examples/queue: a web process and a worker process, on BullMQ with Redis', () => {
  let redis: RedisServer
  let web: AppProcess
  let worker: AppProcess
  let base: string
  const QUEUED = { status: 200, body: { received: true, queued: true } }

  beforeAll(async () => {
    redis = await startRedis()
    const port = await freePort()
    const env = { ...environment(port), REDIS_URL: redis.url }
    web = await startApp(tsx('examples/queue/web.ts')(), env, port)
    worker = await startPrinting(tsx('examples/queue/worker.ts')(), env, 'worker started')
    base = `http://127.0.0.1:${port}/webhooks`
  })
  afterAll(async () => {
    await Promise.all([web?.stop(), worker?.stop()])
    await redis?.close()
  })

  const post = (route: string, delivery: SignedDelivery) => postTo(base, route, delivery)
  const runs = (provider: string, type: string, id: string) => linesOf(worker, provider, type, id)

  /** Sends a new valid event and waits until the worker has run it (the worker runs jobs concurrently). */
  async function settle(): Promise<void> {
    const { id, delivery } = payment()
    expect(await post('/stripe', delivery)).toEqual(QUEUED)
    await expect.poll(() => runs('stripe', 'payment_intent.succeeded', id)).toBe(1)
  }

  it('answers a valid Stripe delivery 200 queued, and the worker process runs the handler once', async () => {
    const { id, delivery } = payment()
    expect(await post('/stripe', delivery)).toEqual(QUEUED)
    await expect.poll(() => runs('stripe', 'payment_intent.succeeded', id)).toBe(1)
    expect(web.stdout()).not.toContain('handled')
  })

  it('answers the same delivery again 200 duplicate, and queues nothing more', async () => {
    const { id, delivery } = payment()
    expect(await post('/stripe', delivery)).toEqual(QUEUED)
    await expect.poll(() => runs('stripe', 'payment_intent.succeeded', id)).toBe(1)
    expect(await post('/stripe', delivery)).toEqual({
      status: 200,
      body: { received: true, duplicate: true },
    })
    await settle()
    expect(runs('stripe', 'payment_intent.succeeded', id)).toBe(1)
  })

  it('refuses a forged Stripe delivery with 401 signature_invalid, and queues nothing', async () => {
    const { id, delivery } = payment('whsec_not_the_endpoint_secret')
    expect(await post('/stripe', delivery)).toMatchObject({
      status: 401,
      body: { code: 'signature_invalid' },
    })
    await settle()
    expect(runs('stripe', 'payment_intent.succeeded', id)).toBe(0)
  })

  it('queues a GitHub delivery on its own queue, and the worker runs the issues.opened handler once', async () => {
    const id = randomUUID()
    expect(await post('/github', issueOpened(id))).toEqual(QUEUED)
    await expect.poll(() => runs('github', 'issues.opened', id)).toBe(1)
  })

  it('shuts down on SIGTERM: both processes close their connections and exit 0, the worker after its jobs', async () => {
    expect(await web.stop()).toBe(0)
    expect(web.stdout()).toContain('web process closed')
    expect(await worker.stop()).toBe(0)
    expect(worker.stdout()).toContain('worker closed')
  })
})
