import type { BeforeApplicationShutdown, OnModuleInit } from '@nestjs/common'
import type { DiscoveryService, MetadataScanner } from '@nestjs/core'
import type { CloseOptions, Receiver } from '../../receiver.js'
import { webhookBindingsOf } from './on-webhook.js'

/** A provider or controller as Nest's DiscoveryService lists it (the part of `InstanceWrapper` read here). */
interface Discovered {
  readonly name: unknown
  readonly instance: unknown
  readonly metatype: unknown
  isDependencyTreeStatic(): boolean
}

/**
 * One per `WebhookModule.forRoot` route: at bootstrap (`onModuleInit`, once Nest has created every instance and
 * before the app listens), finds the methods decorated `@OnWebhook(name, …)` with this route's name, through
 * Nest's DiscoveryService and MetadataScanner (https://docs.nestjs.com/fundamentals/discovery-service), and
 * registers each on the receiver, bound to its instance. A name no route has is refused there, at start-up.
 * At shutdown (`beforeApplicationShutdown`, while the server still answers: https://docs.nestjs.com/fundamentals/lifecycle-events)
 * it closes the receiver, so deliveries still arriving get 503 and the sender retries them elsewhere.
 */
export class WebhookHandlers implements OnModuleInit, BeforeApplicationShutdown {
  constructor(
    readonly name: string,
    private readonly receiver: Receiver<any>,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly closeOnShutdown: boolean | CloseOptions,
  ) {}

  onModuleInit(): void {
    const discovered: Discovered[] = [...this.discovery.getProviders(), ...this.discovery.getControllers()]
    const routes = discovered.flatMap(({ instance }) =>
      instance instanceof WebhookHandlers ? [instance.name] : [],
    )
    if (routes.filter((name) => name === this.name).length > 1) {
      throw new Error(`WebhookModule: two routes are named '${this.name}'; give each forRoot() its own name.`)
    }
    for (const wrapper of discovered) {
      for (const { owner, method, name, types } of this.handlersOf(wrapper)) {
        const where = `@OnWebhook('${name}') on ${owner}.${method}`
        if (!routes.includes(name)) {
          const known = routes.length === 0 ? 'none' : routes.map((route) => `'${route}'`).join(', ')
          throw new Error(
            `${where}: no WebhookModule.forRoot({ name: '${name}' }) is imported (the routes: ${known}).`,
          )
        }
        if (name !== this.name) continue
        if (!wrapper.isDependencyTreeStatic()) {
          throw new Error(
            `${where}: a handler lives on a singleton; ${owner} is request-scoped or transient.`,
          )
        }
        const instance = wrapper.instance as Record<string, (event: unknown) => unknown>
        const handler = (event: unknown) => instance[method]!(event)
        if (types === undefined) this.receiver.onAny(handler)
        else this.receiver.on(types, handler)
      }
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.closeOnShutdown === false) return
    await this.receiver.close(this.closeOnShutdown === true ? undefined : this.closeOnShutdown)
  }

  /** The `@OnWebhook` bindings on the methods of one provider or controller. */
  private handlersOf(wrapper: Discovered) {
    const { instance, metatype } = wrapper
    // A singleton's instance exists by now; a request-scoped class has only its prototype to read.
    const prototype =
      wrapper.isDependencyTreeStatic() && typeof instance === 'object' && instance !== null
        ? (Object.getPrototypeOf(instance) as object | null)
        : typeof metatype === 'function'
          ? (metatype.prototype as object | undefined)
          : undefined
    if (prototype == null) return []
    const owner = typeof metatype === 'function' ? metatype.name : String(wrapper.name)
    return this.scanner.getAllMethodNames(prototype).flatMap((method) => {
      const value = (prototype as Record<string, unknown>)[method]
      if (typeof value !== 'function') return []
      return webhookBindingsOf(value).map((binding) => ({ owner, method, ...binding }))
    })
  }
}
