/**
 * `otelTelemetry()` from the edge build (dist/edge/telemetry/opentelemetry.js, run by vitest.edge.config.ts with
 * Node's globals shadowed), behind the edge `fetchHandler`: an edge runtime has no context manager, so the spans'
 * parents must not depend on one.
 */
import { SpanKind, SpanStatusCode } from '@opentelemetry/api'
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics'
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import { describe, expect, it } from 'vitest'
import { fetchHandler } from '../../src/adapters/fetch.js'
import { createReceiver, type DeliveryOutcome } from '../../src/index.js'
import { stripe } from '../../src/providers/stripe.js'
import { otelTelemetry } from '../../src/telemetry/opentelemetry.js'
import { signStripe, toRequest } from '../../src/testing/index.js'
import { silentLogger } from '../support/helpers.js'
import { loadedEdgeModules } from './edge-modules.js'

const SECRET = 'whsec_edge_otel'
const NOW = 1_750_000_000

describe('otelTelemetry() on the edge build', () => {
  it('traces a delivery and its handlers without a context manager, and counts it', async () => {
    const spans = new InMemorySpanExporter()
    const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] })
    const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE)
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 })
    const meterProvider = new MeterProvider({ readers: [reader] })
    const receiver = createReceiver({
      provider: stripe({ secret: SECRET }),
      now: () => NOW * 1000,
      logger: silentLogger(),
      telemetry: otelTelemetry({ tracerProvider, meterProvider }),
    })
    const outcomes: DeliveryOutcome[] = []
    receiver.onOutcome((outcome) => void outcomes.push(outcome))
    receiver.on('customer.created', async () => undefined)
    const handle = fetchHandler(receiver)
    const payload = { id: 'evt_edge', object: 'event', type: 'customer.created', data: { object: {} } }
    const delivery = signStripe({ payload, secret: SECRET, timestamp: NOW })
    expect((await handle(toRequest('http://localhost/hook', delivery))).status).toBe(200)
    const forged = signStripe({ payload, secret: 'whsec_other', timestamp: NOW })
    expect((await handle(toRequest('http://localhost/hook', forged))).status).toBe(401)

    expect(loadedEdgeModules()).toContain('telemetry/opentelemetry.js')
    const finished = spans.getFinishedSpans()
    const receives = finished.filter((span) => span.name === 'webhook.receive')
    const [handled, refused] = receives
    const [run] = finished.filter((span) => span.name === 'webhook.handle')
    expect(receives).toHaveLength(2)
    expect(handled?.kind).toBe(SpanKind.SERVER)
    expect(handled?.attributes['webhook.event.id']).toBe('evt_edge')
    expect(run?.parentSpanContext?.spanId).toBe(handled?.spanContext().spanId)
    expect(refused?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'signature_invalid' })
    expect(outcomes.map((outcome) => [outcome.status, outcome.code, outcome.dedup])).toEqual([
      [200, 'received', 'new'],
      [401, 'signature_invalid', undefined],
    ])

    await reader.forceFlush()
    const deliveries = exporter
      .getMetrics()
      .flatMap((resource) => resource.scopeMetrics.flatMap((scope) => scope.metrics))
      .find((metric) => metric.descriptor.name === 'webhook.deliveries')
    expect(deliveries?.dataPoints.map((point) => [point.attributes['webhook.outcome'], point.value])).toEqual(
      [
        ['received', 1],
        ['signature_invalid', 1],
      ],
    )
  })
})
