import type { ErrorHandler, Handler, ParsedEvent, WebhookEvent } from './types.js'

/** Where failures go when no `onError` handler is registered, or when one of them throws. */
export interface Logger {
  warn(message: string, ...details: unknown[]): void
  error(message: string, ...details: unknown[]): void
}

/**
 * The handler registry behind `on` / `onAny` / `onError`: finds the handlers for an event, runs them concurrently,
 * and turns their failures into one error (the error itself, or an `AggregateError` when several failed).
 */
export interface Dispatcher {
  on(types: string | readonly string[], handler: Handler<any>): void
  onAny(handler: Handler<any>): void
  onError(handler: ErrorHandler): void
  handlersFor(event: ParsedEvent): readonly Handler<any>[]
  run(handlers: readonly Handler<any>[], event: WebhookEvent): Promise<unknown[]>
  reportError(error: unknown, event: WebhookEvent | undefined): void
}

const NO_HANDLERS: readonly Handler[] = Object.freeze([])

/**
 * Creates an empty registry.
 *
 * @example
 * ```ts
 * const dispatcher = createDispatcher(console)
 * dispatcher.on('issues', handler)
 * await dispatcher.run(dispatcher.handlersFor(parsed), event)
 * ```
 */
export function createDispatcher(logger: Logger): Dispatcher {
  const byType = new Map<string, Handler<any>[]>()
  const any: Handler<any>[] = []
  const errorHandlers: ErrorHandler[] = []

  function assertFunction(value: unknown, method: string): void {
    if (typeof value !== 'function')
      throw new TypeError(`receiver.${method}() expects a function as its handler.`)
  }

  return {
    on(types, handler) {
      assertFunction(handler, 'on')
      for (const type of typeof types === 'string' ? [types] : types) {
        const list = byType.get(type)
        if (list === undefined) byType.set(type, [handler])
        else if (!list.includes(handler)) list.push(handler)
      }
    },
    onAny(handler) {
      assertFunction(handler, 'onAny')
      if (!any.includes(handler)) any.push(handler)
    },
    onError(handler) {
      assertFunction(handler, 'onError')
      errorHandlers.push(handler)
    },
    handlersFor(event) {
      const own = byType.get(event.type)
      if (event.aliases === undefined && any.length === 0) return own ?? NO_HANDLERS
      // A handler registered under several matching names (`issues` and `issues.opened`) still runs once.
      const all = new Set<Handler<any>>(own)
      for (const alias of event.aliases ?? []) for (const handler of byType.get(alias) ?? []) all.add(handler)
      for (const handler of any) all.add(handler)
      return [...all]
    },
    async run(handlers, event) {
      if (handlers.length === 1) return [await (handlers[0] as Handler<any>)(event)]
      const settled = await Promise.allSettled(handlers.map(async (handler) => handler(event)))
      const failures: unknown[] = []
      const results: unknown[] = []
      for (const outcome of settled) {
        if (outcome.status === 'fulfilled') results.push(outcome.value)
        else failures.push(outcome.reason)
      }
      if (failures.length === 1) throw failures[0]
      if (failures.length > 1)
        throw new AggregateError(failures, `${failures.length} handlers failed for ${event.type} ${event.id}`)
      return results
    },
    reportError(error, event) {
      if (errorHandlers.length === 0) {
        logger.error(
          `[webhook-receiver] handler failed for ${event?.type ?? 'a delivery'} ${event?.id ?? ''}`.trimEnd(),
          error,
        )
        return
      }
      for (const handler of errorHandlers) {
        // onError must never break the response or raise an unhandled rejection.
        try {
          Promise.resolve(handler(error, event)).catch((thrown) =>
            logger.error('[webhook-receiver] onError handler threw', thrown),
          )
        } catch (thrown) {
          logger.error('[webhook-receiver] onError handler threw', thrown)
        }
      }
    },
  }
}
