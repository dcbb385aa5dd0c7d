/**
 * The same refusals for every provider: a changed body byte, a wrong secret, a missing or malformed signature
 * header and (where a timestamp is signed) one outside the tolerance each get their documented status and code,
 * and no handler runs. Rotation: old and new secrets both pass.
 */
import { describe, expect, it } from 'vitest'
import { createReceiver, type Receiver } from '../../src/index.js'
import type { SignedDelivery } from '../../src/testing/index.js'
import { NOW, providerCases as cases } from '../support/provider-cases.js'
import { silentLogger } from '../support/helpers.js'

/** Posts a delivery and reduces the answer to its status and, for refusals, its code. */
function sender(receiver: Receiver<any>) {
  return async (delivery: SignedDelivery) => {
    const response = await receiver.handle({
      method: 'POST',
      url: '/hook',
      headers: delivery.headers,
      body: delivery.body,
    })
    return {
      status: response.status,
      code: response.status >= 400 ? (JSON.parse(response.body) as { code: string }).code : undefined,
    }
  }
}

describe.each(cases)('$name', (c) => {
  function setup() {
    const receiver = createReceiver({
      provider: c.provider([c.secrets[0], c.secrets[1]]),
      now: () => NOW * 1000,
      logger: silentLogger(),
    })
    let runs = 0
    receiver.onAny(() => {
      runs++
    })
    const send = sender(receiver)
    return { send, runs: () => runs }
  }

  it('accepts deliveries signed with either configured secret (rotation)', async () => {
    const { send, runs } = setup()
    expect(await send(c.sign(c.secrets[0], NOW, 1))).toMatchObject({ status: 200 })
    expect(await send(c.sign(c.secrets[1], NOW, 2))).toMatchObject({ status: 200 })
    expect(runs()).toBe(2)
  })

  it('refuses a wrong secret with 401 signature_invalid', async () => {
    const { send, runs } = setup()
    expect(await send(c.sign(c.secrets[2], NOW, 3))).toEqual({ status: 401, code: 'signature_invalid' })
    expect(runs()).toBe(0)
  })

  it('refuses any single changed body byte (except where the provider signs no content)', async () => {
    const { send, runs } = setup()
    const delivery = c.sign(c.secrets[0], NOW, 4)
    const bytes = Buffer.from(delivery.body)
    for (let index = 0; index < bytes.length; index++) {
      const copy = Buffer.from(bytes)
      copy[index] = (copy[index] as number) ^ 0x01
      const { status } = await send({ ...delivery, body: copy.toString('latin1') })
      // GitLab's token proves the sender, not the body (README): a changed body is still 200 or a 400 parse error.
      if (c.signsBody === false) expect([200, 400]).toContain(status)
      else expect(status, `byte ${index}`).toBe(401)
    }
    if (c.signsBody !== false) expect(runs()).toBe(0)
  })

  it('refuses a missing signature header with 401 signature_missing', async () => {
    const { send, runs } = setup()
    const delivery = c.sign(c.secrets[0], NOW, 5)
    const { [c.signatureHeader]: _, ...headers } = delivery.headers
    expect(await send({ ...delivery, headers })).toEqual({ status: 401, code: 'signature_missing' })
    expect(runs()).toBe(0)
  })

  it('refuses a malformed signature header with 401', async () => {
    const { send, runs } = setup()
    const delivery = c.sign(c.secrets[0], NOW, 6)
    const { status, code } = await send({
      ...delivery,
      headers: { ...delivery.headers, [c.signatureHeader]: c.malformed },
    })
    expect(status).toBe(401)
    expect(['signature_invalid', 'signature_missing']).toContain(code)
    expect(runs()).toBe(0)
  })
})

describe.each(cases.filter((c) => c.timestamped))('$name signed timestamp', (c) => {
  it('refuses a timestamp just outside the tolerance, either way, with 401 timestamp_out_of_tolerance', async () => {
    const receiver = createReceiver({
      provider: c.provider([c.secrets[0]]),
      now: () => NOW * 1000,
      logger: silentLogger(),
    })
    let runs = 0
    receiver.onAny(() => {
      runs++
    })
    const send = sender(receiver)
    expect(await send(c.sign(c.secrets[0], NOW - 301, 7))).toEqual({
      status: 401,
      code: 'timestamp_out_of_tolerance',
    })
    expect(await send(c.sign(c.secrets[0], NOW + 301, 8))).toEqual({
      status: 401,
      code: 'timestamp_out_of_tolerance',
    })
    expect(await send(c.sign(c.secrets[0], NOW - 300, 9))).toMatchObject({ status: 200 })
    expect(await send(c.sign(c.secrets[0], NOW + 300, 10))).toMatchObject({ status: 200 })
    expect(runs).toBe(2)
  })
})
