import {
  Inject,
  type DynamicModule,
  type FactoryProvider,
  type ModuleMetadata,
  type Provider as NestProvider,
} from '@nestjs/common'
import { DiscoveryModule, DiscoveryService, MetadataScanner } from '@nestjs/core'
import { receiverAccess } from '../../adapter-kit/receiver-access.js'
import type { CloseOptions, Receiver } from '../../receiver.js'
import { webhookController } from './webhook-controller.js'
import { WebhookHandlers } from './webhook-handlers.js'

/** What every webhook route is given, in `forRoot` and `forRootAsync` alike. */
export interface WebhookRouteOptions {
  /** The name handlers refer to: `@OnWebhook('stripe', …)`, `@InjectWebhookReceiver('stripe')`. */
  name: string
  /** The route, e.g. `webhooks/stripe`, under the app's global prefix if it has one. Every method is routed. */
  path: string
  /**
   * Class decorators for the route's controller, e.g. the one that exempts it from a global auth guard
   * (`Public()`), or `SkipThrottle()`: a sender authenticates with its signature, not with the app's tokens.
   */
  decorators?: ClassDecorator[]
  /**
   * Closes the receiver when Nest shuts down (`app.close()`, or a signal after `app.enableShutdownHooks()`):
   * deliveries still arriving get 503 and are retried elsewhere, and shutdown waits for the handlers running
   * (`{ timeoutMs }` bounds the wait). Default: `true`.
   */
  closeOnShutdown?: boolean | CloseOptions
}

/** Options of `WebhookModule.forRoot`. */
export interface WebhookModuleOptions extends WebhookRouteOptions {
  /** A receiver made by `createReceiver`. */
  receiver: Receiver<any>
}

/** Options of `WebhookModule.forRootAsync`: the receiver comes from a factory Nest injects. */
export interface WebhookModuleAsyncOptions extends WebhookRouteOptions, Pick<ModuleMetadata, 'imports'> {
  /** Makes the receiver, e.g. with its secret from `ConfigService`. */
  useFactory: (...args: any[]) => Receiver<any> | Promise<Receiver<any>>
  /** What the factory is given, in order (`[ConfigService]`). */
  inject?: FactoryProvider['inject']
}

/** The injection token of the receiver of the route named `name`. */
export function webhookReceiverToken(name: string): string {
  return `webhook-receiver:${name}`
}

/**
 * Injects the receiver of the route named `name` (for `receiver.deadLetters()`, `replay()`, or a handler added by
 * hand).
 *
 * @example
 * ```ts
 * constructor(@InjectWebhookReceiver('stripe') private readonly payments: Receiver<StripeProvider>) {}
 * ```
 */
export function InjectWebhookReceiver(name: string): PropertyDecorator & ParameterDecorator {
  return Inject(webhookReceiverToken(name))
}

/**
 * Mounts a receiver on a route of a Nest app, on `@nestjs/platform-express` and `@nestjs/platform-fastify` alike,
 * and runs the methods decorated `@OnWebhook(name, …)` as its handlers. Import it once per receiver, each with its
 * own `name` and `path`. Create the app with `rawBody: true`: Nest parses JSON and forms for every route, and
 * keeps their bytes for the signature only then (else every delivery is answered 500 `raw_body_unavailable`,
 * saying so). The receiver is global: `@InjectWebhookReceiver(name)` gets it in any module.
 *
 * @example
 * ```ts
 * import { Module } from '@nestjs/common'
 * import { ConfigModule, ConfigService } from '@nestjs/config'
 * import { createReceiver } from 'webhook-receiver'
 * import { WebhookModule } from 'webhook-receiver/nest'
 * import { stripe } from 'webhook-receiver/providers/stripe'
 *
 * @Module({
 *   imports: [
 *     WebhookModule.forRootAsync({
 *       name: 'stripe',
 *       path: 'webhooks/stripe',
 *       imports: [ConfigModule],
 *       inject: [ConfigService],
 *       useFactory: (config: ConfigService) =>
 *         createReceiver({ provider: stripe({ secret: config.getOrThrow('STRIPE_WEBHOOK_SECRET') }) }),
 *     }),
 *   ],
 *   providers: [PaymentsService], // its @OnWebhook('stripe', …) methods
 * })
 * export class AppModule {}
 *
 * // main.ts
 * const app = await NestFactory.create(AppModule, { rawBody: true })
 * ```
 */
export class WebhookModule {
  /** A route for a receiver made beforehand. */
  static forRoot(options: WebhookModuleOptions): DynamicModule {
    checkRoute(options, 'forRoot')
    receiverAccess(options.receiver, 'WebhookModule.forRoot({ receiver })')
    const { receiver } = options
    // A factory rather than `useValue`: Nest hashes a dynamic module's metadata to identify it, and a receiver (its
    // store's client, its queue) is no small object to serialise.
    return routeModule(
      options,
      { provide: webhookReceiverToken(options.name), useFactory: () => receiver },
      [],
    )
  }

  /** A route whose receiver a factory makes, with what Nest injects into it (`ConfigService`). */
  static forRootAsync(options: WebhookModuleAsyncOptions): DynamicModule {
    checkRoute(options, 'forRootAsync')
    if (typeof options.useFactory !== 'function') {
      throw new TypeError(
        `WebhookModule.forRootAsync({ name: '${options.name}' }): useFactory makes the receiver.`,
      )
    }
    const { useFactory } = options
    const receiver: FactoryProvider = {
      provide: webhookReceiverToken(options.name),
      useFactory: async (...args: unknown[]) => {
        const made = await useFactory(...args)
        receiverAccess(made, `WebhookModule.forRootAsync({ name: '${options.name}' }).useFactory`)
        return made
      },
      inject: options.inject ?? [],
    }
    return routeModule(options, receiver, options.imports ?? [])
  }
}

function checkRoute(options: WebhookRouteOptions, method: string): void {
  const { name, path } = options ?? {}
  if (typeof name !== 'string' || name === '' || typeof path !== 'string') {
    throw new TypeError(
      `WebhookModule.${method}({ name, path, … }): name (for @OnWebhook) and path (the route) are strings.`,
    )
  }
}

/** How many route modules `forRoot` and `forRootAsync` have made in this process. */
let routeModules = 0

function routeModule(
  options: WebhookRouteOptions,
  receiver: NestProvider,
  imports: NonNullable<ModuleMetadata['imports']>,
): DynamicModule {
  const { name, path, decorators = [], closeOnShutdown = true } = options
  const token = webhookReceiverToken(name)
  const handlers: FactoryProvider<WebhookHandlers> = {
    // Numbered per call, so that two calls are two modules for Nest, even with the same options (then refused at
    // start-up, naming the duplicate), while one call's module imported in several places stays one.
    provide: `${token}:handlers#${++routeModules}`,
    useFactory: (received: Receiver<any>, discovery: DiscoveryService, scanner: MetadataScanner) =>
      new WebhookHandlers(name, received, discovery, scanner, closeOnShutdown),
    inject: [token, DiscoveryService, MetadataScanner],
  }
  return {
    module: WebhookModule,
    global: true,
    imports: [DiscoveryModule, ...imports],
    controllers: [webhookController(name, path, token, decorators)],
    providers: [receiver, handlers],
    exports: [token],
  }
}
