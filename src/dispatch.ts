import { isPromiseLike, type MaybePromise } from './promise-like.js'
import type { ErrorHandler, Handler, WebhookEvent } from './types/events.js'
import type { ParsedEvent } from './types/provider.js'

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
  /**
   * Runs every handler with the event. Returns the results at once when every handler returned a plain value;
   * a promise when any returned one; throws (or rejects) with the failure when any failed.
   */
  run(handlers: readonly Handler<any>[], event: WebhookEvent): MaybePromise<unknown[]>
  reportError(error: unknown, event: WebhookEvent | undefined): void
}

const NO_HANDLERS: readonly Handler[] = Object.freeze([])

/** Creates an empty registry. */
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
      // The common cases return a registered list as it is: one type's handlers, or only onAny handlers.
      if (event.aliases === undefined || !event.aliases.some((alias) => byType.has(alias))) {
        if (any.length === 0) return own ?? NO_HANDLERS
        if (own === undefined) return any
      }
      // A handler registered under several matching names (`issues` and `issues.opened`) still runs once.
      const all = new Set<Handler<any>>(own)
      for (const alias of event.aliases ?? []) for (const handler of byType.get(alias) ?? []) all.add(handler)
      for (const handler of any) all.add(handler)
      return [...all]
    },
    run(handlers, event) {
      if (handlers.length === 1) {
        // A synchronous throw reaches the caller as the handler's failure, like a rejection does.
        const result = (handlers[0] as Handler<any>)(event)
        return isPromiseLike(result) ? Promise.resolve(result).then((value) => [value]) : [result]
      }
      // Every handler runs, even after one failed; their failures are reported together.
      let pending = false
      const outcomes = handlers.map((handler) => {
        try {
          const result = handler(event)
          pending ||= isPromiseLike(result)
          return result
        } catch (error) {
          pending = true
          return Promise.reject(error)
        }
      })
      return pending ? Promise.allSettled(outcomes).then((settled) => collect(settled, event)) : outcomes
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

/** The results of several handlers, or their failure: the error itself, or an `AggregateError` when several failed. */
function collect(settled: PromiseSettledResult<unknown>[], event: WebhookEvent): unknown[] {
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
}
