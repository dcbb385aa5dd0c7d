/**
 * dispatch.ts: `on`, `onAny` and `onError`, the fan-out of one event to its handlers and their failures.
 */
import { describe, expect, it } from 'vitest'
import { createReceiver } from '../src/index.js'
import { stripe } from '../src/providers/stripe.js'
import { signStripe } from '../src/testing/index.js'
import { deferred, silentLogger } from './support/helpers.js'

const SECRET = 'whsec_receiver'
const event = (id: string, type = 'customer.created') => ({ id, type, object: 'event', data: { object: {} } })
const delivery = (id = 'evt_1', type?: string) => ({
  ...signStripe({ payload: event(id, type), secret: SECRET }),
  url: '/hook',
})
const make = (options: Partial<Parameters<typeof createReceiver>[0]> = {}) =>
  createReceiver({ provider: stripe({ secret: SECRET }), logger: silentLogger(), ...options })
describe('dispatch', () => {
  it('runs the handlers of one event concurrently', async () => {
    const receiver = make()
    const started: string[] = []
    const gate = deferred()
    const both = deferred()
    for (const name of ['a', 'b']) {
      receiver.on('customer.created', async () => {
        started.push(name)
        if (started.length === 2) both.resolve()
        await gate.promise
      })
    }
    const answer = receiver.handle(delivery())
    await both.promise // both started before either was allowed to finish
    gate.resolve()
    expect((await answer).status).toBe(200)
    expect(started.sort()).toEqual(['a', 'b'])
  })

  it('registers one handler under several names with on([...])', async () => {
    const receiver = make()
    const seen: string[] = []
    receiver.on(['customer.created', 'customer.updated'], (e) => {
      seen.push(e.type)
    })
    await receiver.handle(delivery('evt_1', 'customer.created'))
    await receiver.handle(delivery('evt_2', 'customer.updated'))
    await receiver.handle(delivery('evt_3', 'customer.deleted'))
    expect(seen).toEqual(['customer.created', 'customer.updated'])
  })

  it('keeps answering when an onError handler throws', async () => {
    const logger = silentLogger()
    const receiver = make({ logger })
    receiver.onError(() => {
      throw new Error('onError broke')
    })
    receiver.onAny(() => {
      throw new Error('handler broke')
    })
    expect((await receiver.handle(delivery())).status).toBe(500)
    expect(logger.errors.some(([message]) => String(message).includes('onError handler threw'))).toBe(true)
  })

  it('refuses a handler that is not a function', () => {
    expect(() => make().on('customer.created', 'nope' as never)).toThrow(TypeError)
    expect(() => make().onAny(undefined as never)).toThrow(/expects a function/)
  })
})
