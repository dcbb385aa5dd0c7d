/**
 * OpenTelemetry for a receiver (docs/observability.md): one span per delivery, one per event's handler run, and the
 * receiver's metrics, through `@opentelemetry/api` (an optional peer dependency, imported only by this entry). The
 * API does nothing until the app registers an SDK, and the core calls this module only when a receiver is given it.
 * Attribute names follow the OpenTelemetry semantic conventions where one exists (`http.request.method`,
 * `http.response.status_code`, `http.request.body.size`, `error.type`); the others are under `webhook.`.
 */
import {
  context,
  metrics,
  SpanKind,
  SpanStatusCode,
  trace,
  ValueType,
  type Attributes,
  type Context,
  type Counter,
  type Histogram,
  type MeterProvider,
  type ObservableGauge,
  type Span,
  type Tracer,
  type TracerProvider,
  type UpDownCounter,
} from '@opentelemetry/api'
import type {
  DedupOutcome,
  DeliveryOutcome,
  DeliveryStart,
  DeliveryTelemetry,
  HandlersStart,
  HandlersTelemetry,
  ReceiverTelemetry,
  TelemetryTarget,
} from '../types/observability.js'

/** Options of `otelTelemetry()`. */
export interface OtelTelemetryOptions {
  /** Where spans go. Default: the global provider the SDK registered (`trace.getTracerProvider()`). */
  tracerProvider?: TracerProvider
  /** Where metrics go. Default: the global provider the SDK registered (`metrics.getMeterProvider()`). */
  meterProvider?: MeterProvider
}

/** The instrumentation scope: the name spans and metrics are reported under. */
const SCOPE = 'webhook-receiver'

/**
 * Bucket boundaries in seconds for the duration histograms: verification takes microseconds to milliseconds, and
 * handlers up to the senders' deadlines (3 s to 15 s) and past them.
 */
const VERIFY_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1]
const HANDLER_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30, 60]

interface Instruments {
  tracer: Tracer
  deliveries: Counter
  verification: Histogram
  handlerDuration: Histogram
  activeHandlers: UpDownCounter
  dedup: Counter
  deadLettered: Counter
}

/** A delivery span, with the context its handler spans start in (without relying on a context manager). */
class OtelDelivery implements DeliveryTelemetry {
  constructor(
    private readonly instruments: Instruments,
    readonly span: Span,
    readonly context: Context,
  ) {}

  run<T>(work: () => T): T {
    return context.with(this.context, work)
  }

  end(outcome: DeliveryOutcome, bodySize: number | undefined): void {
    const { span, instruments } = this
    const { provider, code, status } = outcome
    const refused = status < 200 || status > 299
    // A span no SDK records (none registered, or not sampled) is not worth its attributes.
    if (span.isRecording()) {
      span.setAttributes(deliveryAttributes(outcome, bodySize))
      if (refused) span.setStatus({ code: SpanStatusCode.ERROR, message: code })
    }
    span.end()

    const answered: Attributes = {
      'webhook.provider': provider,
      'webhook.outcome': code,
      'http.response.status_code': status,
    }
    if (refused) answered['error.type'] = code
    instruments.deliveries.add(1, answered)
    const { verifyMs } = outcome.durations
    if (verifyMs !== undefined) {
      const verified: Attributes = { 'webhook.provider': provider }
      // Refused while verifying: no event was read from the body.
      if (refused && outcome.events === 0) verified['error.type'] = code
      instruments.verification.record(verifyMs / 1000, verified)
    }
    if (outcome.items === undefined) {
      if (outcome.dedup !== undefined) countDedup(instruments, provider, outcome.dedup)
    } else {
      for (const { dedup } of outcome.items) if (dedup !== undefined) countDedup(instruments, provider, dedup)
    }
  }
}

function countDedup(instruments: Instruments, provider: string, dedup: DedupOutcome): void {
  instruments.dedup.add(1, { 'webhook.provider': provider, 'webhook.dedup.outcome': dedup })
}

/**
 * OpenTelemetry traces and metrics for receivers: pass it as `createReceiver({ telemetry })`. One instance may serve
 * several receivers (each reports its `webhook.provider`). Spans continue the active context, so a delivery's span
 * is a child of the HTTP server span your framework's instrumentation started, and what a handler does (database
 * calls, fetches) nests under its handler span. Tracer and meter are taken at the first delivery or job, from the
 * providers given here or else the global ones: register the SDK before the app serves requests.
 *
 * @example
 * ```ts
 * import { createReceiver } from 'webhook-receiver'
 * import { otelTelemetry } from 'webhook-receiver/opentelemetry'
 * import { stripe } from 'webhook-receiver/providers/stripe'
 *
 * const receiver = createReceiver({
 *   provider: stripe({ secret: process.env.STRIPE_WEBHOOK_SECRET! }),
 *   telemetry: otelTelemetry(),
 * })
 * ```
 */
export function otelTelemetry(options: OtelTelemetryOptions = {}): ReceiverTelemetry {
  const targets: TelemetryTarget[] = []
  let instruments: Instruments | undefined

  function resolved(): Instruments {
    if (instruments !== undefined) return instruments
    // Taken now, not when otelTelemetry() is called: the metrics API has no proxy, so a meter taken before the SDK
    // is registered would stay a no-op for good.
    const tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(SCOPE)
    const meter = (options.meterProvider ?? metrics.getMeterProvider()).getMeter(SCOPE)
    instruments = {
      tracer,
      deliveries: meter.createCounter('webhook.deliveries', {
        description: 'Deliveries answered, by provider and outcome.',
        unit: '{delivery}',
        valueType: ValueType.INT,
      }),
      verification: meter.createHistogram('webhook.verification.duration', {
        description: 'Time to verify and parse a delivery: signature, signed timestamp, body.',
        unit: 's',
        advice: { explicitBucketBoundaries: VERIFY_BUCKETS },
      }),
      handlerDuration: meter.createHistogram('webhook.handler.duration', {
        description: "Time an event's handlers ran, from start to their last end.",
        unit: 's',
        advice: { explicitBucketBoundaries: HANDLER_BUCKETS },
      }),
      activeHandlers: meter.createUpDownCounter('webhook.handler.active', {
        description: 'Events whose handlers are running now.',
        unit: '{event}',
        valueType: ValueType.INT,
      }),
      dedup: meter.createCounter('webhook.dedup.outcomes', {
        description:
          'What dedup decided for each event: new, duplicate, in_flight, skipped, unguarded, unavailable.',
        unit: '{event}',
        valueType: ValueType.INT,
      }),
      deadLettered: meter.createCounter('webhook.queue.dead_lettered', {
        description:
          'Events whose last attempt failed in this process (queue mode): they became dead letters.',
        unit: '{event}',
        valueType: ValueType.INT,
      }),
    }
    const depth = meter.createObservableGauge('webhook.queue.depth', {
      description: 'Jobs in the queue not yet done, by state: waiting, delayed, active (queue mode).',
      unit: '{job}',
      valueType: ValueType.INT,
    })
    const deadLetters = meter.createObservableGauge('webhook.queue.dead_letters', {
      description: 'Dead letters the queue holds now (queue mode).',
      unit: '{job}',
      valueType: ValueType.INT,
    })
    meter.addBatchObservableCallback(
      async (result) => {
        await Promise.all(
          targets.map(async ({ provider, queueCounts }) => {
            if (queueCounts === undefined) return
            let counts
            try {
              counts = await queueCounts()
            } catch {
              // The queue is unreachable: no observation this time (the receiver logs the queue's failures).
              return
            }
            for (const state of ['waiting', 'delayed', 'active'] as const) {
              result.observe(depth, counts[state], {
                'webhook.provider': provider,
                'webhook.queue.state': state,
              })
            }
            result.observe(deadLetters, counts.failed, { 'webhook.provider': provider })
          }),
        )
      },
      [depth, deadLetters] satisfies ObservableGauge[],
    )
    return instruments
  }

  return {
    attach(target) {
      targets.push(target)
    },
    startDelivery(start: DeliveryStart): DeliveryTelemetry {
      const used = resolved()
      const parent = context.active()
      const attributes: Attributes = {
        'webhook.provider': start.provider,
        'http.request.method': start.method,
      }
      if (start.bodySize !== undefined) attributes['http.request.body.size'] = start.bodySize
      // Under the HTTP server span the framework's instrumentation started, this span is a step of it; alone (no
      // instrumentation, e.g. an edge runtime) it stands for the request itself.
      const kind = trace.getSpan(parent) === undefined ? SpanKind.SERVER : SpanKind.INTERNAL
      const span = used.tracer.startSpan('webhook.receive', { kind, attributes }, parent)
      return new OtelDelivery(used, span, trace.setSpan(parent, span))
    },
    startHandlers(start: HandlersStart): HandlersTelemetry {
      const used = resolved()
      const parent = start.delivery instanceof OtelDelivery ? start.delivery.context : context.active()
      const attributes: Attributes = {
        'webhook.provider': start.provider,
        'webhook.event.id': start.id,
        'webhook.event.type': start.type,
        'webhook.handler.count': start.handlers,
      }
      if (start.attempt !== undefined) attributes['webhook.event.attempt'] = start.attempt
      if (start.tenant !== undefined) attributes['webhook.tenant'] = start.tenant
      if (start.jobAttempt !== undefined) attributes['webhook.job.attempt'] = start.jobAttempt
      // In a queue worker the run consumes a job: a consumer span, as messaging's "process" spans are.
      const kind = start.jobAttempt === undefined ? SpanKind.INTERNAL : SpanKind.CONSUMER
      const span = used.tracer.startSpan('webhook.handle', { kind, attributes }, parent)
      const active = { 'webhook.provider': start.provider }
      used.activeHandlers.add(1, active)
      const spanContext = trace.setSpan(parent, span)
      return {
        run: (work) => context.with(spanContext, work),
        end(error, durationMs) {
          used.activeHandlers.add(-1, active)
          const measured: Attributes = {
            'webhook.provider': start.provider,
            'webhook.event.type': start.type,
          }
          if (error !== undefined) {
            const type = errorType(error)
            if (span.isRecording()) {
              span.recordException(error instanceof Error ? error : String(error))
              span.setAttribute('error.type', type)
              span.setStatus({ code: SpanStatusCode.ERROR, message: type })
            }
            measured['error.type'] = type
          }
          span.end()
          used.handlerDuration.record(durationMs / 1000, measured)
        },
      }
    },
    deadLettered(provider, type) {
      resolved().deadLettered.add(1, { 'webhook.provider': provider, 'webhook.event.type': type })
    },
  }
}

/** The attributes a delivery span ends with. Never a header, the body, a secret or a signature. */
function deliveryAttributes(outcome: DeliveryOutcome, bodySize: number | undefined): Attributes {
  const attributes: Attributes = {
    'http.response.status_code': outcome.status,
    'webhook.outcome': outcome.code,
    'webhook.event.count': outcome.events,
  }
  if (bodySize !== undefined) attributes['http.request.body.size'] = bodySize
  if (outcome.id !== undefined) attributes['webhook.event.id'] = outcome.id
  if (outcome.type !== undefined) attributes['webhook.event.type'] = outcome.type
  if (outcome.attempt !== undefined) attributes['webhook.event.attempt'] = outcome.attempt
  if (outcome.tenant !== undefined) attributes['webhook.tenant'] = outcome.tenant
  if (outcome.dedup !== undefined) attributes['webhook.dedup.outcome'] = outcome.dedup
  if (outcome.status < 200 || outcome.status > 299) attributes['error.type'] = outcome.code
  return attributes
}

/** `error.type` of a handler failure: the class name of what it threw, as the semantic conventions ask. */
function errorType(error: unknown): string {
  if (error instanceof Error) return error.constructor?.name || error.name || 'Error'
  return '_OTHER'
}
