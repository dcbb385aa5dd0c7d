/**
 * Compile-only tests of what observers see (docs/observability.md): the `onOutcome` hook's object and the
 * `telemetry` option.
 */
import { describe, expectTypeOf, it } from 'vitest'
import {
  createReceiver,
  type DedupOutcome,
  type DeliveryOutcome,
  type ItemOutcome,
  type OutcomeCode,
  type ReceiverTelemetry,
  type WebhookErrorCode,
} from '../src/index.js'
import { stripe } from '../src/providers/stripe.js'
import { otelTelemetry, type OtelTelemetryOptions } from '../src/telemetry/opentelemetry.js'

const receiver = createReceiver({ provider: stripe({ secret: 'whsec_x' }) })

describe('receiver.onOutcome', () => {
  it('gives the hook a DeliveryOutcome and chains like onError', () => {
    expectTypeOf(receiver.onOutcome((outcome) => void outcome)).toEqualTypeOf(receiver)
    receiver.onOutcome((outcome) => {
      expectTypeOf(outcome).toEqualTypeOf<DeliveryOutcome>()
      expectTypeOf(outcome.provider).toEqualTypeOf<string>()
      expectTypeOf(outcome.status).toEqualTypeOf<number>()
      expectTypeOf(outcome.code).toEqualTypeOf<OutcomeCode>()
      expectTypeOf(outcome.id).toEqualTypeOf<string | undefined>()
      expectTypeOf(outcome.type).toEqualTypeOf<string | undefined>()
      expectTypeOf(outcome.attempt).toEqualTypeOf<number | undefined>()
      expectTypeOf(outcome.dedup).toEqualTypeOf<DedupOutcome | undefined>()
      expectTypeOf(outcome.events).toEqualTypeOf<number>()
      expectTypeOf(outcome.items).toEqualTypeOf<readonly ItemOutcome[] | undefined>()
      expectTypeOf(outcome.durations).toEqualTypeOf<{
        verifyMs: number | undefined
        handlersMs: number | undefined
        totalMs: number
      }>()
    })
  })

  it('names every code: the refusal codes and the four 2xx outcomes', () => {
    expectTypeOf<WebhookErrorCode>().toMatchTypeOf<OutcomeCode>()
    expectTypeOf<'received' | 'duplicate' | 'pending' | 'queued'>().toMatchTypeOf<OutcomeCode>()
    // @ts-expect-error: not an outcome code
    const wrong: OutcomeCode = 'ok'
    void wrong
    expectTypeOf<DedupOutcome>().toEqualTypeOf<
      'new' | 'duplicate' | 'in_flight' | 'skipped' | 'unguarded' | 'unavailable'
    >()
  })

  it('accepts a hook that returns a promise, and refuses one that takes something else', () => {
    receiver.onOutcome(async (outcome) => {
      await Promise.resolve(outcome.code)
    })
    // @ts-expect-error: the hook receives a DeliveryOutcome, not a string
    receiver.onOutcome((outcome: string) => outcome)
  })

  it('holds no payload, headers or body', () => {
    expectTypeOf<DeliveryOutcome>().not.toHaveProperty('payload')
    expectTypeOf<DeliveryOutcome>().not.toHaveProperty('headers')
    expectTypeOf<DeliveryOutcome>().not.toHaveProperty('rawBody')
  })
})

describe('createReceiver({ telemetry })', () => {
  it('takes otelTelemetry(), with or without providers', () => {
    expectTypeOf(otelTelemetry()).toEqualTypeOf<ReceiverTelemetry>()
    expectTypeOf<OtelTelemetryOptions>().toHaveProperty('tracerProvider')
    expectTypeOf<OtelTelemetryOptions>().toHaveProperty('meterProvider')
    createReceiver({ provider: stripe({ secret: 'whsec_x' }), telemetry: otelTelemetry() })
    // @ts-expect-error: a telemetry is a ReceiverTelemetry, not a tracer or a boolean
    createReceiver({ provider: stripe({ secret: 'whsec_x' }), telemetry: true })
  })
})
