/**
 * The adapter contract through real NestJS applications, on both of Nest's platforms (`@nestjs/platform-express`
 * and `@nestjs/platform-fastify`), created as docs/adapters.md says (`rawBody: true`); then what the Nest module
 * owes beyond a route: handlers as methods of injected services, the receiver from a factory, start-up errors that
 * name the mistake, the app's guards and prefix, and shutdown.
 */
import {
  Controller,
  Get,
  Injectable,
  Module,
  Scope,
  SetMetadata,
  type CanActivate,
  type ExecutionContext,
  type INestApplication,
  type ModuleMetadata,
} from '@nestjs/common'
import { ConfigModule, ConfigService } from '@nestjs/config'
import { APP_GUARD, NestFactory, Reflector } from '@nestjs/core'
import { ExpressAdapter } from '@nestjs/platform-express'
import { FastifyAdapter } from '@nestjs/platform-fastify'
import type { Server } from 'node:http'
import { describe, expect, it } from 'vitest'
import { InjectWebhookReceiver, OnWebhook, WebhookModule } from '../../src/adapters/nest.js'
import { createReceiver, type EventFor, type Receiver, type WebhookEvent } from '../../src/index.js'
import { github } from '../../src/providers/github.js'
import { stripe } from '../../src/providers/stripe.js'
import { signGitHub, signStripe, type SignedDelivery } from '../../src/testing/index.js'
import { deferred, silentLogger } from '../support/helpers.js'
import { adapterContract, listening, type Mounted } from './contract.js'

type Platform = 'Express' | 'Fastify'
const PLATFORMS: Platform[] = ['Express', 'Fastify']
const FIX = ['rawBody: true', 'NestFactory.create']

/** A Nest app of `metadata` on `platform`, created as users are told to (`rawBody: true`) unless `rawBody` says. */
async function createApp(
  platform: Platform,
  metadata: ModuleMetadata,
  rawBody = true,
): Promise<INestApplication> {
  @Module(metadata)
  class AppModule {}
  const adapter = platform === 'Express' ? new ExpressAdapter() : new FastifyAdapter()
  return NestFactory.create(AppModule, adapter, { rawBody, logger: false, abortOnError: false })
}

/** Initialises the app and listens on 127.0.0.1 through Nest's own server; closing it closes the app. */
async function serve(platform: Platform, app: INestApplication): Promise<Mounted> {
  await app.init()
  if (platform === 'Fastify')
    await (app.getHttpAdapter().getInstance() as { ready(): Promise<unknown> }).ready()
  return listening(app.getHttpServer() as Server, () => app.close())
}

const route = (receiver: Receiver<any>, path = 'hook') =>
  WebhookModule.forRoot({ name: 'contract', path, receiver })

for (const platform of PLATFORMS) {
  adapterContract({
    name: `NestJS on ${platform}, WebhookModule.forRoot with rawBody: true`,
    // A route such as `/hook/:tenant` is a Nest path as it is (no leading slash needed).
    mount: async (receiver, path) =>
      serve(platform, await createApp(platform, { imports: [route(receiver, path?.slice(1))] })),
    parsedFirst: {
      mount: async (receiver) =>
        serve(platform, await createApp(platform, { imports: [route(receiver)] }, false)),
      fix: FIX,
    },
    // Nest parses JSON and forms for every route before any controller (body-parser on Express, Fastify's parsers),
    // and answers what they refuse itself.
    refusedBeforeRoute: [400, 413, 415],
    // Nest's Fastify adapter has parsers for JSON and forms only: Fastify answers 415 to any other type.
    ...(platform === 'Fastify' ? { unparsedContentType: 415 } : {}),
  })
}

const STRIPE_SECRET = 'whsec_nest_test'
const GITHUB_SECRET = 'nest test secret'
type StripeProvider = ReturnType<typeof stripe>
type GitHubProvider = ReturnType<typeof github>

const stripeEvent = (id: string, type = 'payment_intent.succeeded') =>
  signStripe({
    payload: { id, object: 'event', type, data: { object: { id: `pi_${id}`, amount: 4200 } } },
    secret: STRIPE_SECRET,
  })
const issueOpened = (id: string) =>
  signGitHub({
    event: 'issues',
    deliveryId: id,
    payload: { action: 'opened', issue: { number: 1, title: 'nest' } },
    secret: GITHUB_SECRET,
  })

async function post(mounted: Mounted, path: string, delivery: SignedDelivery) {
  const response = await mounted.send(
    new Request(`http://localhost${path}`, {
      method: 'POST',
      headers: delivery.headers,
      body: delivery.body,
    }),
  )
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}

const stripeReceiver = () =>
  createReceiver({ provider: stripe({ secret: STRIPE_SECRET }), logger: silentLogger() })
const githubReceiver = () =>
  createReceiver({ provider: github({ secret: GITHUB_SECRET }), logger: silentLogger() })

/** What the handlers of these tests write to, injected into them by Nest. */
@Injectable()
class Ledger {
  readonly entries: string[] = []
}

@Injectable()
class PaymentsService {
  constructor(private readonly ledger: Ledger) {}

  @OnWebhook('stripe', 'payment_intent.succeeded')
  paid(event: EventFor<StripeProvider, 'payment_intent.succeeded'>) {
    this.ledger.entries.push(`paid ${event.id} ${event.payload.data.object.amount}`)
  }

  @OnWebhook('stripe', ['customer.created', 'customer.updated'])
  customer(event: EventFor<StripeProvider, 'customer.created' | 'customer.updated'>) {
    this.ledger.entries.push(`${event.type} ${event.id}`)
  }

  // One method for two receivers: every Stripe event, and GitHub's `issues` family.
  @OnWebhook('stripe')
  @OnWebhook('github', 'issues')
  audit(event: WebhookEvent<string, unknown>) {
    this.ledger.entries.push(`audit ${event.type} ${event.id}`)
  }
}

@Controller('status')
class StatusController {
  constructor(private readonly ledger: Ledger) {}

  @Get()
  status() {
    return { entries: this.ledger.entries.length }
  }

  // A handler on a controller works too: it is a singleton Nest created.
  @OnWebhook('github', 'issues.opened')
  opened(event: EventFor<GitHubProvider, 'issues.opened'>) {
    this.ledger.entries.push(`opened #${event.payload.issue.number} ${event.id}`)
  }
}

for (const platform of PLATFORMS) {
  describe(`NestJS on ${platform}: WebhookModule`, () => {
    async function withApp<T>(
      metadata: ModuleMetadata,
      body: (mounted: Mounted, app: INestApplication) => Promise<T>,
      prepare?: (app: INestApplication) => void,
    ): Promise<T> {
      const app = await createApp(platform, metadata)
      prepare?.(app)
      const mounted = await serve(platform, app)
      try {
        return await body(mounted, app)
      } finally {
        await mounted.close()
      }
    }

    it('runs the @OnWebhook methods of injected services and controllers, each for its receiver and types', async () => {
      const metadata = {
        imports: [
          WebhookModule.forRoot({ name: 'stripe', path: 'webhooks/stripe', receiver: stripeReceiver() }),
          WebhookModule.forRoot({ name: 'github', path: 'webhooks/github', receiver: githubReceiver() }),
        ],
        controllers: [StatusController],
        providers: [Ledger, PaymentsService],
      }
      const entries = await withApp(metadata, async (mounted, app) => {
        const ok = { status: 200, body: { received: true } }
        expect(await post(mounted, '/webhooks/stripe', stripeEvent('evt_1'))).toEqual(ok)
        expect(await post(mounted, '/webhooks/stripe', stripeEvent('evt_2', 'customer.created'))).toEqual(ok)
        expect(await post(mounted, '/webhooks/github', issueOpened('d-1'))).toEqual(ok)
        // The app's own routes are still the app's.
        const status = await mounted.send(new Request('http://localhost/status'))
        expect(await status.json()).toEqual({ entries: 6 })
        return app.get(Ledger).entries
      })
      expect([...entries].sort()).toEqual([
        'audit customer.created evt_2',
        'audit issues.opened d-1',
        'audit payment_intent.succeeded evt_1',
        'customer.created evt_2',
        'opened #1 d-1',
        'paid evt_1 4200',
      ])
    })

    it('answers 500 handler_failed when a method throws, and runs it again on the retry', async () => {
      let runs = 0
      @Injectable()
      class Flaky {
        @OnWebhook('stripe', 'payment_intent.succeeded')
        paid() {
          if (++runs === 1) throw new Error('first attempt fails')
        }
      }
      const receiver = stripeReceiver()
      await withApp(
        { imports: [WebhookModule.forRoot({ name: 'stripe', path: 'hook', receiver })], providers: [Flaky] },
        async (mounted) => {
          expect(await post(mounted, '/hook', stripeEvent('evt_f'))).toMatchObject({
            status: 500,
            body: { code: 'handler_failed' },
          })
          expect(await post(mounted, '/hook', stripeEvent('evt_f'))).toEqual({
            status: 200,
            body: { received: true },
          })
        },
      )
      expect(runs).toBe(2)
    })

    it('makes the receiver with forRootAsync from ConfigService, and injects it with @InjectWebhookReceiver', async () => {
      @Injectable()
      class DeadLetters {
        constructor(@InjectWebhookReceiver('stripe') readonly receiver: Receiver<StripeProvider>) {}
      }
      const seen: string[] = []
      @Injectable()
      class Paid {
        @OnWebhook('stripe', 'payment_intent.succeeded')
        paid(event: EventFor<StripeProvider, 'payment_intent.succeeded'>) {
          seen.push(event.id)
        }
      }
      const metadata = {
        imports: [
          WebhookModule.forRootAsync({
            name: 'stripe',
            path: 'webhooks/stripe',
            imports: [
              ConfigModule.forRoot({ ignoreEnvFile: true, load: [() => ({ STRIPE: STRIPE_SECRET })] }),
            ],
            inject: [ConfigService],
            useFactory: (config: ConfigService) =>
              createReceiver({
                provider: stripe({ secret: config.getOrThrow<string>('STRIPE') }),
                logger: silentLogger(),
              }),
          }),
        ],
        providers: [DeadLetters, Paid],
      }
      await withApp(metadata, async (mounted, app) => {
        expect((await post(mounted, '/webhooks/stripe', stripeEvent('evt_a'))).status).toBe(200)
        expect(app.get(DeadLetters).receiver.provider.name).toBe('stripe')
      })
      expect(seen).toEqual(['evt_a'])
    })

    it("serves the route under the app's global prefix", async () => {
      const receiver = stripeReceiver()
      const urls: string[] = []
      receiver.onAny((event) => void urls.push(event.id))
      await withApp(
        { imports: [WebhookModule.forRoot({ name: 'stripe', path: 'webhooks/stripe', receiver })] },
        async (mounted) => {
          expect((await post(mounted, '/api/webhooks/stripe', stripeEvent('evt_p'))).status).toBe(200)
          const outside = stripeEvent('evt_q')
          const request = new Request('http://localhost/webhooks/stripe', outside)
          expect((await mounted.send(request)).status).toBe(404)
        },
        (app) => app.setGlobalPrefix('api'),
      )
      expect(urls).toEqual(['evt_p'])
    })

    it("applies the route's decorators, e.g. the one that exempts it from the app's global auth guard", async () => {
      const PUBLIC = 'is-public'
      const Public = () => SetMetadata(PUBLIC, true)
      @Injectable()
      class TokenGuard implements CanActivate {
        constructor(private readonly reflector: Reflector) {}
        canActivate(context: ExecutionContext) {
          return this.reflector.get<boolean>(PUBLIC, context.getClass()) === true
        }
      }
      const guarded = (decorators: ClassDecorator[]) => ({
        imports: [
          WebhookModule.forRoot({ name: 'stripe', path: 'hook', receiver: stripeReceiver(), decorators }),
        ],
        providers: [{ provide: APP_GUARD, useClass: TokenGuard }],
      })
      await withApp(guarded([]), async (mounted) => {
        expect((await post(mounted, '/hook', stripeEvent('evt_g'))).status).toBe(403)
      })
      await withApp(guarded([Public()]), async (mounted) => {
        expect((await post(mounted, '/hook', stripeEvent('evt_g'))).status).toBe(200)
      })
    })

    it('closes the receiver when the app closes: new deliveries get 503, the running handler finishes first', async () => {
      const started = deferred()
      const release = deferred()
      let finished = false
      const receiver = stripeReceiver()
      receiver.onAny(async (event) => {
        if (event.id !== 'evt_s') return
        started.resolve()
        await release.promise
        finished = true
      })
      const app = await createApp(platform, {
        imports: [WebhookModule.forRoot({ name: 'stripe', path: 'hook', receiver })],
      })
      const mounted = await serve(platform, app)
      const first = post(mounted, '/hook', stripeEvent('evt_s'))
      await started.promise
      let closed = false
      const closing = app.close().then(() => (closed = true))
      let later = 0
      await expect
        .poll(async () => (await receiver.handle({ ...stripeEvent(`evt_t${++later}`), url: '/hook' })).status)
        .toBe(503)
      expect(closed).toBe(false)
      release.resolve()
      expect((await first).status).toBe(200)
      await closing
      expect(finished).toBe(true)
      await mounted.close()
    })

    if (platform === 'Fastify') {
      it('verifies a content type Nest has no parser for once the app adds one with app.useBodyParser()', async () => {
        const receiver = stripeReceiver()
        const seen: string[] = []
        receiver.onAny((event) => void seen.push(event.id))
        const delivery = stripeEvent('evt_o')
        const headers = { ...delivery.headers, 'content-type': 'application/octet-stream' }
        await withApp(
          { imports: [WebhookModule.forRoot({ name: 'stripe', path: 'hook', receiver })] },
          async (mounted) => {
            expect((await post(mounted, '/hook', { ...delivery, headers })).status).toBe(200)
          },
          (app) =>
            (app as unknown as { useBodyParser(type: string): void }).useBodyParser(
              'application/octet-stream',
            ),
        )
        expect(seen).toEqual(['evt_o'])
      })
    }
  })
}

describe('NestJS: mistakes are refused at start-up, naming the fix', () => {
  async function bootError(metadata: ModuleMetadata): Promise<string> {
    const app = await createApp('Express', metadata)
    try {
      await app.init()
    } catch (error) {
      return (error as Error).message
    } finally {
      await app.close()
    }
    return 'no error'
  }

  it('a handler for a name no route has', async () => {
    @Injectable()
    class Misspelled {
      @OnWebhook('strpe', 'payment_intent.succeeded')
      paid() {}
    }
    const message = await bootError({
      imports: [WebhookModule.forRoot({ name: 'stripe', path: 'hook', receiver: stripeReceiver() })],
      providers: [Misspelled],
    })
    expect(message).toContain("@OnWebhook('strpe') on Misspelled.paid")
    expect(message).toContain("(the routes: 'stripe')")
  })

  it('two routes of one name, even with the same options', async () => {
    const receiver = stripeReceiver()
    for (const paths of [
      ['a', 'b'],
      ['a', 'a'],
    ]) {
      const message = await bootError({
        imports: paths.map((path) => WebhookModule.forRoot({ name: 'stripe', path, receiver })),
      })
      expect(message).toContain("two routes are named 'stripe'")
    }
  })

  it('but not one route imported by two modules: it stays one, and its handlers run once', async () => {
    const receiver = stripeReceiver()
    const route = WebhookModule.forRoot({ name: 'stripe', path: 'hook', receiver })
    let runs = 0
    @Injectable()
    class Paid {
      @OnWebhook('stripe', 'payment_intent.succeeded')
      paid() {
        runs++
      }
    }
    @Module({ imports: [route] })
    class Billing {}
    @Module({ imports: [route] })
    class Reports {}
    const app = await createApp('Express', { imports: [Billing, Reports], providers: [Paid] })
    const mounted = await serve('Express', app)
    try {
      expect((await post(mounted, '/hook', stripeEvent('evt_once'))).status).toBe(200)
    } finally {
      await mounted.close()
    }
    expect(runs).toBe(1)
  })

  it('a handler on a request-scoped provider', async () => {
    @Injectable({ scope: Scope.REQUEST })
    class PerRequest {
      @OnWebhook('stripe')
      any() {}
    }
    const message = await bootError({
      imports: [WebhookModule.forRoot({ name: 'stripe', path: 'hook', receiver: stripeReceiver() })],
      providers: [PerRequest],
    })
    expect(message).toContain('PerRequest is request-scoped or transient')
  })

  it('a receiver that is not one, from forRoot or from the factory', async () => {
    expect(() =>
      WebhookModule.forRoot({ name: 'stripe', path: 'hook', receiver: {} as Receiver<any> }),
    ).toThrow(/WebhookModule\.forRoot\(\{ receiver \}\)\(receiver\): pass a receiver made by createReceiver/)
    const app = NestFactory.create(
      WebhookModule.forRootAsync({
        name: 'stripe',
        path: 'hook',
        useFactory: () => ({}) as Receiver<any>,
      }) as never,
      { logger: false, abortOnError: false },
    )
    await expect(app).rejects.toThrow(/useFactory\(receiver\): pass a receiver made by createReceiver/)
    expect(() => WebhookModule.forRoot({ name: '', path: 'hook', receiver: stripeReceiver() })).toThrow(
      /name \(for @OnWebhook\) and path \(the route\) are strings/,
    )
  })

  it('@OnWebhook used as a TC39 decorator, on a static method, or with an empty type', () => {
    const decorator = OnWebhook('stripe', 'payment_intent.succeeded') as unknown as (
      ...args: unknown[]
    ) => void
    expect(() => decorator(() => undefined, { kind: 'method', name: 'paid' })).toThrow(
      /experimentalDecorators/,
    )
    class Static {}
    const descriptor = { value: () => undefined }
    expect(() => decorator(Static, 'paid', descriptor)).toThrow(/instance method, not a static one/)
    expect(() => OnWebhook('stripe', [])).toThrow(/omit it for every event/)
  })
})
