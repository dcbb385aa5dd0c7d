import type {} from 'reflect-metadata' // the global Reflect.defineMetadata / getMetadata Nest loads
import type { EventFor, EventName } from '../../receiver.js'
import type { WebhookEvent } from '../../types/events.js'
import type { Provider } from '../../types/provider.js'

/** Where `@OnWebhook` keeps what it was given, on the decorated method (Nest's metadata, from reflect-metadata). */
const ON_WEBHOOK = 'webhook-receiver:on-webhook'

/** One `@OnWebhook(name, type)` on a method. */
export interface WebhookHandlerBinding {
  /** The `name` of the `WebhookModule.forRoot` route whose receiver runs the method. */
  name: string
  /** The event types (or families) it handles; undefined for every event (`receiver.onAny`). */
  types: string[] | undefined
}

/**
 * A method decorator for a handler of `TEvent`: the method's parameter must accept it, so a method that takes
 * something else is a type error where it is decorated. `@OnWebhook` accepts any typed event (e.g.
 * `EventFor<StripeProvider, 'payment_intent.succeeded'>`); the one `createOnWebhook` makes, exactly its events.
 */
export type WebhookHandlerDecorator<TEvent extends WebhookEvent<any, any> = WebhookEvent<any, any>> = <
  M extends (event: TEvent) => unknown,
>(
  target: object,
  method: string | symbol,
  descriptor: TypedPropertyDescriptor<M>,
) => void

/** `@OnWebhook` for one route, typed by its provider: see `createOnWebhook`. */
export interface TypedOnWebhook<P extends Provider<any, any>> {
  /** A handler of every event (`receiver.onAny`). */
  (): WebhookHandlerDecorator<EventFor<P, EventName<P>>>
  /** A handler of one event type, several, or a family: each a name the provider accepts. */
  <const K extends EventName<P>>(type: K | readonly K[]): WebhookHandlerDecorator<EventFor<P, K>>
}

/**
 * Makes a method of a Nest provider (or controller) a handler of the receiver mounted by
 * `WebhookModule.forRoot({ name, … })`: for one event type, several, a family (GitHub's `issues`), or, without
 * `type`, every event. At bootstrap the module finds the decorated methods and registers each with `receiver.on`
 * (`receiver.onAny`), bound to the instance Nest injected, so the method uses the services its class depends on.
 * What it returns and throws counts as for any handler (docs/handlers.md): a throw is a 500 and the sender retries.
 * Stack several on one method to handle events of several receivers.
 *
 * @example
 * ```ts
 * import { Injectable } from '@nestjs/common'
 * import type { EventFor } from 'webhook-receiver'
 * import { OnWebhook } from 'webhook-receiver/nest'
 * import type { stripe } from 'webhook-receiver/providers/stripe'
 *
 * type StripeProvider = ReturnType<typeof stripe>
 *
 * @Injectable()
 * export class PaymentsService {
 *   @OnWebhook('stripe', 'payment_intent.succeeded')
 *   async paid(event: EventFor<StripeProvider, 'payment_intent.succeeded'>) {
 *     console.log(event.payload.data.object.amount)
 *   }
 * }
 * ```
 */
export function OnWebhook(name: string, type?: string | readonly string[]): WebhookHandlerDecorator {
  if (typeof name !== 'string' || name === '') {
    throw new TypeError(
      `@OnWebhook(name, type): name is the name given to WebhookModule.forRoot(), got ${String(name)}.`,
    )
  }
  const types = type === undefined ? undefined : [type].flat()
  if (
    types !== undefined &&
    (types.length === 0 || types.some((item) => typeof item !== 'string' || item === ''))
  ) {
    throw new TypeError(
      `@OnWebhook('${name}', type): type is an event type or a list of them; omit it for every event.`,
    )
  }
  return (target, method, descriptor) => {
    // TypeScript's own decorators (without `experimentalDecorators`) pass (method, context): Nest needs the legacy
    // ones, as its own decorators do (https://docs.nestjs.com/first-steps, tsconfig).
    if (typeof method === 'object' || descriptor === undefined || typeof descriptor.value !== 'function') {
      throw new TypeError(
        `@OnWebhook('${name}') goes on a method, compiled with "experimentalDecorators": true as Nest requires.`,
      )
    }
    if (typeof target === 'function') {
      throw new TypeError(
        `@OnWebhook('${name}') on ${target.name}.${String(method)}: a handler is an instance method, not a static one.`,
      )
    }
    const bindings = webhookBindingsOf(descriptor.value)
    Reflect.defineMetadata(ON_WEBHOOK, [...bindings, { name, types }], descriptor.value)
  }
}

/**
 * Makes an `@OnWebhook` for the route named `name`, typed by its provider: a misspelled event type is a type
 * error, and so is a method whose parameter does not accept the events it is registered for.
 *
 * @example
 * ```ts
 * import { Injectable } from '@nestjs/common'
 * import type { EventFor } from 'webhook-receiver'
 * import { createOnWebhook } from 'webhook-receiver/nest'
 * import type { stripe } from 'webhook-receiver/providers/stripe'
 *
 * type StripeProvider = ReturnType<typeof stripe>
 * const OnStripe = createOnWebhook<StripeProvider>('stripe')
 *
 * @Injectable()
 * export class PaymentsService {
 *   @OnStripe('payment_intent.succeeded')
 *   async paid(event: EventFor<StripeProvider, 'payment_intent.succeeded'>) {
 *     console.log(event.payload.data.object.amount)
 *   }
 * }
 * ```
 */
export function createOnWebhook<P extends Provider<any, any>>(name: string): TypedOnWebhook<P> {
  OnWebhook(name) // the same checks, now rather than at the first use
  return ((type?: string | readonly string[]) => OnWebhook(name, type)) as TypedOnWebhook<P>
}

/** The `@OnWebhook` bindings of a method, in the order they apply; none for an undecorated one. */
export function webhookBindingsOf(method: object): readonly WebhookHandlerBinding[] {
  return (Reflect.getMetadata(ON_WEBHOOK, method) as WebhookHandlerBinding[] | undefined) ?? []
}
