/**
 * A provider's verify or parse may answer with a Promise made in another realm (edge sandboxes such as the one of
 * `next dev` run code in a separate vm context, and their Web Crypto returns the host's Promises): it is awaited like
 * any other, so a failed verification from another realm is still a refusal, never a pass.
 */
import { runInNewContext } from 'node:vm'
import { describe, expect, it } from 'vitest'
import { createReceiver, SignatureInvalidError, type Provider } from '../src/index.js'
import { silentLogger } from './support/helpers.js'

const resolvedElsewhere = <T>(value: T) => runInNewContext('Promise.resolve(value)', { value }) as Promise<T>
const rejectedElsewhere = (error: unknown) =>
  runInNewContext('Promise.reject(error)', { error }) as Promise<never>

function receiverFor(provider: Partial<Provider>) {
  const receiver = createReceiver({
    provider: {
      name: 'foreign',
      deadlineMs: 1000,
      bodyLimit: 1024,
      retryWindowMs: 1000,
      verify: () => undefined,
      parse: () => [{ id: 'e1', type: 't', payload: {} }],
      ...provider,
    },
    logger: silentLogger(),
  })
  let runs = 0
  receiver.onAny(() => {
    runs++
  })
  const post = () => receiver.handle({ method: 'POST', url: '/hook', headers: {}, body: '{}' })
  return { post, runs: () => runs }
}

describe('Promises from another realm', () => {
  it('are not instances of this realm’s Promise (the premise)', () => {
    expect(resolvedElsewhere(1)).not.toBeInstanceOf(Promise)
  })

  it('refuse with 401 when verify rejects from another realm, running nothing', async () => {
    const { post, runs } = receiverFor({ verify: () => rejectedElsewhere(new SignatureInvalidError()) })
    expect((await post()).status).toBe(401)
    expect(runs()).toBe(0)
  })

  it('apply the tolerance to a timestamp resolved from another realm', async () => {
    const { post, runs } = receiverFor({ verify: () => resolvedElsewhere(1) })
    expect((await post()).status).toBe(401)
    expect(runs()).toBe(0)
  })

  it('are awaited from parse', async () => {
    const { post, runs } = receiverFor({
      parse: () => resolvedElsewhere([{ id: 'e2', type: 't', payload: {} }]),
    })
    expect((await post()).status).toBe(200)
    expect(runs()).toBe(1)
  })
})
