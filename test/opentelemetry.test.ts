/**
 * `otelTelemetry()` (webhook-receiver/opentelemetry, docs/observability.md) against the real OpenTelemetry SDK with
 * its in-memory exporters: span names, attributes, parents (the HTTP server span, the delivery span, the handler
 * span), statuses on errors, that nothing secret reaches an attribute, and the metrics after deliveries of every
 * kind, inline and in queue mode.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { context, metrics, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import {
  AggregationTemporality,
  DataPointType,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type MetricData,
} from '@opentelemetry/sdk-metrics'
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base'
import express from 'express'
import request from 'supertest'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { expressMiddleware } from '../src/adapters/express.js'
import {
  createReceiver,
  type EventQueue,
  type QueueJob,
  type QueuedEvent,
  type ReceiverOptions,
  tenantSecrets,
} from '../src/index.js'
import { createObservers, observeDelivery } from '../src/observation.js'
import { stripe } from '../src/providers/stripe.js'
import { otelTelemetry } from '../src/telemetry/opentelemetry.js'
import { signStripe, type SignedDelivery } from '../src/testing/index.js'
import { deferred, silentLogger } from './support/helpers.js'

const SECRET = 'whsec_otel_secret_value'
const NOW = 1_750_000_000

const contextManager = new AsyncLocalStorageContextManager()
beforeAll(() => {
  context.setGlobalContextManager(contextManager.enable())
})
afterAll(() => {
  context.disable()
})

function sdk() {
  const spans = new InMemorySpanExporter()
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] })
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE)
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 })
  const meterProvider = new MeterProvider({ readers: [reader] })
  /** The metrics as they are now, by name. */
  const collect = async (): Promise<Map<string, MetricData>> => {
    exporter.reset()
    await reader.forceFlush()
    const byName = new Map<string, MetricData>()
    for (const resource of exporter.getMetrics())
      for (const scope of resource.scopeMetrics)
        for (const metric of scope.metrics) byName.set(metric.descriptor.name, metric)
    return byName
  }
  return { spans, tracerProvider, meterProvider, collect }
}

const stripeEvent = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  object: 'event',
  type: 'payment_intent.succeeded',
  data: { object: { id: 'pi_secretive', amount: 4242 } },
  ...extra,
})
const signed = (id = 'evt_1', secret = SECRET) =>
  signStripe({ payload: stripeEvent(id), secret, timestamp: NOW })

/**
 * An Express app whose first middleware does what HTTP instrumentation does: a SERVER span for the request, active
 * while the route runs.
 */
function setup(telemetry: ReturnType<typeof otelTelemetry>, options: Partial<ReceiverOptions<any>> = {}) {
  const receiver = createReceiver({
    provider: stripe({ secret: SECRET }),
    now: () => NOW * 1000,
    logger: silentLogger(),
    telemetry,
    ...options,
  })
  const app = express()
  app.use((req, res, next) => {
    const span = tracerOf(telemetry).startSpan(`${req.method} /hook`, { kind: SpanKind.SERVER })
    res.on('finish', () => span.end())
    context.with(trace.setSpan(context.active(), span), next)
  })
  app.post('/hook', expressMiddleware(receiver))
  const send = (delivery: SignedDelivery) =>
    request(app).post('/hook').set(delivery.headers).send(delivery.body)
  return { receiver, send }
}

/** The test's "HTTP instrumentation" reports to the same provider as the receiver. */
const tracers = new WeakMap<object, ReturnType<BasicTracerProvider['getTracer']>>()
function tracerOf(telemetry: object) {
  return tracers.get(telemetry) as ReturnType<BasicTracerProvider['getTracer']>
}
function telemetryFor(providers: ReturnType<typeof sdk>) {
  const telemetry = otelTelemetry({
    tracerProvider: providers.tracerProvider,
    meterProvider: providers.meterProvider,
  })
  tracers.set(telemetry, providers.tracerProvider.getTracer('test-http'))
  return telemetry
}

const named = (spans: ReadableSpan[], name: string) => spans.filter((span) => span.name === name)
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId

/** Every attribute value of every span and span event, as text. */
function attributeText(spans: ReadableSpan[]): string {
  return JSON.stringify(
    spans.map((span) => [span.attributes, span.events.map((event) => event.attributes), span.status]),
  )
}

/** A counter's or up-down counter's data points, as `[attributes, value]`. */
function sums(metric: MetricData | undefined): [Record<string, unknown>, number][] {
  if (metric === undefined) return []
  expect(metric.dataPointType).toBe(DataPointType.SUM)
  return metric.dataPoints.map((point) => [point.attributes, point.value as number])
}
function sumWhere(metric: MetricData | undefined, where: Record<string, unknown>): number {
  return sums(metric)
    .filter(([attributes]) => Object.entries(where).every(([key, value]) => attributes[key] === value))
    .reduce((total, [, value]) => total + value, 0)
}
/** A histogram's count of recordings where the attributes match. */
function countWhere(metric: MetricData | undefined, where: Record<string, unknown>): number {
  if (metric === undefined) return 0
  expect(metric.dataPointType).toBe(DataPointType.HISTOGRAM)
  return metric.dataPoints
    .filter((point) => Object.entries(where).every(([key, value]) => point.attributes[key] === value))
    .reduce((total, point) => total + (point.value as { count: number }).count, 0)
}

describe('otelTelemetry() traces', () => {
  let providers: ReturnType<typeof sdk>
  beforeEach(() => {
    providers = sdk()
  })

  it('puts the delivery span under the HTTP server span, the handler span under it, and the handler’s own spans under that', async () => {
    const telemetry = telemetryFor(providers)
    const { receiver, send } = setup(telemetry)
    receiver.on('payment_intent.succeeded', async () => {
      // What a handler's database client would do with its own instrumentation: a span in the active context.
      await Promise.resolve()
      providers.tracerProvider.getTracer('db').startSpan('db.query').end()
    })
    expect((await send(signed())).status).toBe(200)
    await expect.poll(() => named(providers.spans.getFinishedSpans(), 'POST /hook').length).toBe(1)
    const spans = providers.spans.getFinishedSpans()
    const [http] = named(spans, 'POST /hook')
    const [receive] = named(spans, 'webhook.receive')
    const [handle] = named(spans, 'webhook.handle')
    const [query] = named(spans, 'db.query')
    expect(receive && handle && query && http).toBeTruthy()
    const all = [http, receive, handle, query] as ReadableSpan[]
    expect(new Set(all.map((span) => span.spanContext().traceId)).size).toBe(1)
    expect(parentOf(receive as ReadableSpan)).toBe(http?.spanContext().spanId)
    expect(parentOf(handle as ReadableSpan)).toBe(receive?.spanContext().spanId)
    expect(parentOf(query as ReadableSpan)).toBe(handle?.spanContext().spanId)

    expect(receive?.kind).toBe(SpanKind.INTERNAL)
    expect(receive?.status.code).toBe(SpanStatusCode.UNSET)
    expect(receive?.attributes).toEqual({
      'webhook.provider': 'stripe',
      'http.request.method': 'POST',
      'http.request.body.size': Buffer.byteLength(signed().body),
      'http.response.status_code': 200,
      'webhook.outcome': 'received',
      'webhook.event.count': 1,
      'webhook.event.id': 'evt_1',
      'webhook.event.type': 'payment_intent.succeeded',
      'webhook.dedup.outcome': 'new',
    })
    expect(handle?.kind).toBe(SpanKind.INTERNAL)
    expect(handle?.attributes).toEqual({
      'webhook.provider': 'stripe',
      'webhook.event.id': 'evt_1',
      'webhook.event.type': 'payment_intent.succeeded',
      'webhook.handler.count': 1,
    })
  })

  it('continues the active context when receiver.handle is called directly, and is a SERVER span without one', async () => {
    const telemetry = telemetryFor(providers)
    const receiver = createReceiver({
      provider: stripe({ secret: SECRET }),
      now: () => NOW * 1000,
      telemetry,
    })
    receiver.onAny(() => undefined)
    const outer = tracerOf(telemetry).startSpan('HTTP POST', { kind: SpanKind.SERVER })
    await context.with(trace.setSpan(context.active(), outer), () =>
      receiver.handle({ url: '/hook', ...signed('evt_a') }),
    )
    outer.end()
    await receiver.handle({ url: '/hook', ...signed('evt_b') })
    const receives = named(providers.spans.getFinishedSpans(), 'webhook.receive')
    const byId = (id: string) => receives.find((span) => span.attributes['webhook.event.id'] === id)
    expect(parentOf(byId('evt_a') as ReadableSpan)).toBe(outer.spanContext().spanId)
    expect(byId('evt_a')?.kind).toBe(SpanKind.INTERNAL)
    expect(parentOf(byId('evt_b') as ReadableSpan)).toBeUndefined()
    expect(byId('evt_b')?.kind).toBe(SpanKind.SERVER)
  })

  it('records a failing handler on its span and marks both spans as errors', async () => {
    class PaymentGatewayError extends Error {}
    const telemetry = telemetryFor(providers)
    const { receiver, send } = setup(telemetry)
    receiver.onError(() => undefined)
    receiver.on('payment_intent.succeeded', () => {
      throw new PaymentGatewayError('gateway timeout')
    })
    expect((await send(signed())).status).toBe(500)
    const spans = providers.spans.getFinishedSpans()
    const [receive] = named(spans, 'webhook.receive')
    const [handle] = named(spans, 'webhook.handle')
    expect(handle?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'PaymentGatewayError' })
    expect(handle?.attributes['error.type']).toBe('PaymentGatewayError')
    expect(handle?.events.map((event) => [event.name, event.attributes?.['exception.message']])).toEqual([
      ['exception', 'gateway timeout'],
    ])
    expect(receive?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'handler_failed' })
    expect(receive?.attributes).toMatchObject({
      'http.response.status_code': 500,
      'error.type': 'handler_failed',
      'webhook.outcome': 'handler_failed',
      'webhook.dedup.outcome': 'new',
    })
  })

  it('gives a forged delivery an error span with its refusal code and no event attributes', async () => {
    const telemetry = telemetryFor(providers)
    const { send } = setup(telemetry)
    expect((await send(signed('evt_1', 'whsec_attacker'))).status).toBe(401)
    const [receive] = named(providers.spans.getFinishedSpans(), 'webhook.receive')
    expect(receive?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'signature_invalid' })
    expect(receive?.attributes['error.type']).toBe('signature_invalid')
    expect(receive?.attributes['webhook.event.count']).toBe(0)
    expect(receive?.attributes['webhook.event.id']).toBeUndefined()
    expect(named(providers.spans.getFinishedSpans(), 'webhook.handle')).toEqual([])
  })

  it('names the tenant on both spans, and never on a metric', async () => {
    const telemetry = telemetryFor(providers)
    const secret = tenantSecrets({
      tenant: (request) => request.headers['x-tenant'],
      secrets: (tenant) => (tenant === 'acme' ? SECRET : undefined),
    })
    const { receiver, send } = setup(telemetry, { provider: stripe({ secret }) })
    receiver.on('payment_intent.succeeded', () => undefined)
    const delivery = signed()
    expect((await send({ ...delivery, headers: { ...delivery.headers, 'x-tenant': 'acme' } })).status).toBe(
      200,
    )
    const spans = providers.spans.getFinishedSpans()
    expect(named(spans, 'webhook.receive')[0]?.attributes['webhook.tenant']).toBe('acme')
    expect(named(spans, 'webhook.handle')[0]?.attributes['webhook.tenant']).toBe('acme')
    const collected = await providers.collect()
    const attributes = [...collected.values()].flatMap((metric) =>
      (metric.dataPoints as { attributes: Record<string, unknown> }[]).map((point) => point.attributes),
    )
    expect(attributes.length).toBeGreaterThan(0)
    expect(attributes.filter((set) => 'webhook.tenant' in set)).toEqual([])
  })

  it('never puts the secret, the signature, a header or the body in an attribute', async () => {
    const telemetry = telemetryFor(providers)
    const { receiver, send } = setup(telemetry, { deadlineMs: 50 })
    receiver.onError(() => undefined)
    let runs = 0
    receiver.on('payment_intent.succeeded', () => {
      runs++
      if (runs === 2) throw new Error('handler failed')
    })
    const deliveries = [signed('evt_1'), signed('evt_1'), signed('evt_2'), signed('evt_3', 'whsec_attacker')]
    for (const delivery of deliveries) await send(delivery)
    const text = attributeText(providers.spans.getFinishedSpans())
    expect(text).toContain('evt_1') // the attributes were read
    expect(text).not.toContain(SECRET)
    for (const delivery of deliveries) {
      const signature = delivery.headers['stripe-signature'] as string
      expect(text).not.toContain(signature.slice(signature.indexOf('v1=') + 3))
    }
    expect(text).not.toContain('pi_secretive')
    expect(text).not.toContain('4242')
    expect(text).not.toContain('stripe-signature')
  })

  it('takes the global providers at the first delivery, registered after otelTelemetry() was called', async () => {
    const telemetry = otelTelemetry()
    const receiver = createReceiver({
      provider: stripe({ secret: SECRET }),
      now: () => NOW * 1000,
      telemetry,
    })
    trace.setGlobalTracerProvider(providers.tracerProvider)
    metrics.setGlobalMeterProvider(providers.meterProvider)
    try {
      await receiver.handle({ url: '/hook', ...signed() })
      expect(named(providers.spans.getFinishedSpans(), 'webhook.receive')).toHaveLength(1)
      expect(
        sumWhere((await providers.collect()).get('webhook.deliveries'), { 'webhook.outcome': 'received' }),
      ).toBe(1)
    } finally {
      trace.disable()
      metrics.disable()
    }
  })
})

describe('otelTelemetry() metrics', () => {
  it('counts deliveries by outcome and dedup outcomes, and times verification and handlers', async () => {
    const providers = sdk()
    const telemetry = telemetryFor(providers)
    const { receiver, send } = setup(telemetry, { bodyLimit: 600 })
    receiver.onError(() => undefined)
    receiver.on('payment_intent.succeeded', (event) => {
      if (event.id === 'evt_fail') throw new TypeError('bad row')
    })
    const big = signed('evt_big')
    big.body = JSON.stringify(stripeEvent('evt_big', { pad: 'x'.repeat(700) }))
    const plan: [SignedDelivery, number][] = [
      [signed('evt_1'), 200],
      [signed('evt_2'), 200],
      [signed('evt_3'), 200],
      [signed('evt_1'), 200], // duplicate
      [signed('evt_x', 'whsec_attacker'), 401],
      [signed('evt_y', 'whsec_attacker'), 401],
      [signed('evt_fail'), 500],
      [big, 413],
    ]
    for (const [delivery, status] of plan) expect((await send(delivery)).status).toBe(status)

    const collected = await providers.collect()
    const deliveries = collected.get('webhook.deliveries')
    const stripeOnly = { 'webhook.provider': 'stripe' }
    expect(
      sumWhere(deliveries, {
        ...stripeOnly,
        'webhook.outcome': 'received',
        'http.response.status_code': 200,
      }),
    ).toBe(3)
    expect(sumWhere(deliveries, { 'webhook.outcome': 'duplicate' })).toBe(1)
    expect(
      sumWhere(deliveries, { 'webhook.outcome': 'signature_invalid', 'error.type': 'signature_invalid' }),
    ).toBe(2)
    expect(
      sumWhere(deliveries, { 'webhook.outcome': 'handler_failed', 'http.response.status_code': 500 }),
    ).toBe(1)
    expect(
      sumWhere(deliveries, { 'webhook.outcome': 'body_too_large', 'http.response.status_code': 413 }),
    ).toBe(1)
    expect(sumWhere(deliveries, {})).toBe(plan.length)
    expect(deliveries?.descriptor.unit).toBe('{delivery}')

    const dedup = collected.get('webhook.dedup.outcomes')
    expect(sumWhere(dedup, { 'webhook.dedup.outcome': 'new' })).toBe(4)
    expect(sumWhere(dedup, { 'webhook.dedup.outcome': 'duplicate' })).toBe(1)
    expect(sumWhere(dedup, {})).toBe(5)

    const verification = collected.get('webhook.verification.duration')
    expect(verification?.descriptor.unit).toBe('s')
    // Every delivery but the 413, which was refused before its signature was looked at.
    expect(countWhere(verification, {})).toBe(7)
    expect(countWhere(verification, { 'error.type': 'signature_invalid' })).toBe(2)

    const handlers = collected.get('webhook.handler.duration')
    expect(handlers?.descriptor.unit).toBe('s')
    expect(countWhere(handlers, { 'webhook.event.type': 'payment_intent.succeeded' })).toBe(4)
    expect(countWhere(handlers, { 'error.type': 'TypeError' })).toBe(1)
    expect(sums(collected.get('webhook.handler.active'))).toEqual([[stripeOnly, 0]])
  })

  it('counts the handlers running now', async () => {
    const providers = sdk()
    const { receiver, send } = setup(telemetryFor(providers))
    const gate = deferred()
    const started = deferred()
    receiver.on('payment_intent.succeeded', async () => {
      started.resolve()
      await gate.promise
    })
    const answered = send(signed()).then((response) => response)
    await started.promise
    expect(sumWhere((await providers.collect()).get('webhook.handler.active'), {})).toBe(1)
    gate.resolve()
    expect((await answered).status).toBe(200)
    expect(sumWhere((await providers.collect()).get('webhook.handler.active'), {})).toBe(0)
  })
})

/**
 * A job queue kept in memory, implementing `EventQueue` as its contract says (idempotent on the job id, retries,
 * dead letters, counts), so queue mode's telemetry is tested without a server; the BullMQ queue's own `counts()` is
 * tested against Redis in test/queues/bullmq.test.ts.
 */
function memoryQueue(attempts: number) {
  const jobs = new Map<
    string,
    { event: QueuedEvent; attemptsMade: number; state: 'waiting' | 'failed' | 'done' }
  >()
  let process: ((job: QueueJob) => Promise<void>) | undefined
  const queue: EventQueue & { drain(): Promise<void> } = {
    adopt: () => undefined,
    async enqueue(jobId, event) {
      if (!jobs.has(jobId)) jobs.set(jobId, { event, attemptsMade: 0, state: 'waiting' })
    },
    work(run) {
      process = run
      return { close: async () => undefined }
    },
    async failed() {
      return []
    },
    async retry() {
      return 'missing'
    },
    async close() {},
    async counts() {
      const states = [...jobs.values()].map((job) => job.state)
      return {
        waiting: states.filter((state) => state === 'waiting').length,
        delayed: 0,
        active: 0,
        failed: states.filter((state) => state === 'failed').length,
      }
    },
    /** Runs every waiting job until each is done or a dead letter. */
    async drain() {
      for (const [jobId, job] of jobs) {
        while (job.state === 'waiting') {
          try {
            await process?.({ jobId, event: job.event, attemptsMade: job.attemptsMade, attempts })
            job.state = 'done'
          } catch {
            job.attemptsMade++
            if (job.attemptsMade >= attempts) job.state = 'failed'
          }
        }
      }
    },
  }
  return queue
}

describe('otelTelemetry() in queue mode', () => {
  it('reports queue depth and dead letters, and a consumer span per job run', async () => {
    const providers = sdk()
    const queue = memoryQueue(2)
    const receiver = createReceiver({
      provider: stripe({ secret: SECRET }),
      now: () => NOW * 1000,
      logger: silentLogger(),
      queue,
      telemetry: telemetryFor(providers),
    })
    receiver.onError(() => undefined)
    receiver.on('payment_intent.succeeded', (event) => {
      if (event.id === 'evt_bad') throw new Error('always fails')
    })
    for (const id of ['evt_1', 'evt_2', 'evt_bad']) {
      expect((await receiver.handle({ url: '/hook', ...signed(id) })).status).toBe(200)
    }
    const before = await providers.collect()
    expect(sumWhere(before.get('webhook.deliveries'), { 'webhook.outcome': 'queued' })).toBe(3)
    const depth = before.get('webhook.queue.depth')
    expect(
      depth?.dataPoints.find((point) => point.attributes['webhook.queue.state'] === 'waiting')?.value,
    ).toBe(3)

    receiver.work()
    await queue.drain()
    const after = await providers.collect()
    const waiting = after
      .get('webhook.queue.depth')
      ?.dataPoints.find((point) => point.attributes['webhook.queue.state'] === 'waiting')
    expect(waiting?.value).toBe(0)
    expect(after.get('webhook.queue.dead_letters')?.dataPoints.map((point) => point.value)).toEqual([1])
    expect(
      sumWhere(after.get('webhook.queue.dead_lettered'), {
        'webhook.event.type': 'payment_intent.succeeded',
      }),
    ).toBe(1)

    const runs = named(providers.spans.getFinishedSpans(), 'webhook.handle')
    // evt_1, evt_2 once each; evt_bad twice (its two attempts).
    expect(
      runs
        .map((span) => [span.attributes['webhook.event.id'], span.attributes['webhook.job.attempt']])
        .sort(),
    ).toEqual([
      ['evt_1', 1],
      ['evt_2', 1],
      ['evt_bad', 1],
      ['evt_bad', 2],
    ])
    expect(new Set(runs.map((span) => span.kind))).toEqual(new Set([SpanKind.CONSUMER]))
  })
})

describe('the core without OpenTelemetry', () => {
  it('never imports @opentelemetry/api, and nothing imports the telemetry entry', () => {
    const src = resolve(import.meta.dirname, '..', 'src')
    const files = (readdirSync(src, { recursive: true, encoding: 'utf8' }) as string[])
      .filter((file) => file.endsWith('.ts'))
      .map((file) => [relative(src, join(src, file)), readFileSync(join(src, file), 'utf8')] as const)
    const importers = files.filter(([, text]) => /from '@opentelemetry\//.test(text)).map(([file]) => file)
    expect(importers).toEqual(['telemetry/opentelemetry.ts'])
    const telemetryImporters = files.filter(([, text]) => /from '\.{1,2}\/(?:\.\.\/)*telemetry\//.test(text))
    expect(telemetryImporters.map(([file]) => file)).toEqual([])
  })

  it('starts no observation for a receiver with neither telemetry nor an onOutcome hook', () => {
    const observers = createObservers(undefined, silentLogger())
    const request = { method: 'POST', body: new Uint8Array(1) }
    expect(observeDelivery(observers, 'stripe', request)).toBeUndefined()
    observers.hooks.push(() => undefined)
    expect(observeDelivery(observers, 'stripe', request)).toBeDefined()
  })
})
