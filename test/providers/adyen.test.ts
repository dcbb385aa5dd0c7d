/**
 * Adyen standard webhooks: each notification item's `additionalData.hmacSignature`, checked against Adyen's own
 * Node library (`@adyen/api-library`'s `HmacValidator`, a devDependency) both ways, and against the vector its test
 * suite publishes (key `DFB1EB…AB00`, a CAPTURE of 1000 EUR, `xhpHvYq2…SX0=`); batches verified item by item; the
 * `[accepted]` answer.
 */
import { hmacValidator as HmacValidator } from '@adyen/api-library'
import { describe, expect, it } from 'vitest'
import { createReceiver, type WebhookEvent, type WebhookResponse } from '../../src/index.js'
import { adyen, type AdyenNotificationItem } from '../../src/providers/adyen.js'
import { signAdyen, type AdyenItemToSign } from '../../src/testing/index.js'
import { silentLogger } from '../support/helpers.js'

/** The key and expected signature of `@adyen/api-library`'s HMAC validator tests. */
const SDK_KEY = 'DFB1EB5485895CFA84146406857104ABB4CBCABDC8AAF103A624C8F6A3EAAB00'
const SDK_SIGNATURE = 'xhpHvYq2u2Np0rstbZ6QjLGu7JWhvf7Iwaa6EviJSX0='
const SDK_ITEM = {
  pspReference: 'pspReference',
  originalReference: 'originalReference',
  merchantAccountCode: 'merchantAccount',
  merchantReference: 'reference',
  amount: { currency: 'EUR', value: 1000 },
  eventCode: 'CAPTURE',
  eventDate: '1970-01-01T00:00:00.000Z',
  paymentMethod: 'VISA',
  reason: 'reason',
  success: 'true',
}

const validator = new HmacValidator()

function setup(hmacKey: string | string[] = SDK_KEY) {
  const receiver = createReceiver({ provider: adyen({ hmacKey }), logger: silentLogger() })
  const seen: WebhookEvent<string, AdyenNotificationItem>[] = []
  receiver.onAny((event) => {
    seen.push(event as WebhookEvent<string, AdyenNotificationItem>)
  })
  const post = (body: string): Promise<WebhookResponse> =>
    receiver.handle({ method: 'POST', url: '/adyen', headers: { 'content-type': 'application/json' }, body })
  return { seen, post }
}

/** Adyen's body around items as they are (their signatures already in them). */
const bodyOf = (...items: unknown[]) =>
  JSON.stringify({
    live: 'false',
    notificationItems: items.map((item) => ({ NotificationRequestItem: item })),
  })

const withSignature = (item: object, hmacSignature: string) => ({
  ...item,
  additionalData: { hmacSignature },
})

const authorisation = (pspReference: string, success = 'true'): AdyenItemToSign => ({
  pspReference,
  eventCode: 'AUTHORISATION',
  success,
  merchantAccountCode: 'ShopCOM',
  merchantReference: `order-${pspReference}`,
  amount: { value: 1130, currency: 'EUR' },
  eventDate: '2026-12-01T10:00:00+01:00',
})

describe("Adyen signatures, against @adyen/api-library's HmacValidator", () => {
  it("accepts the item of the library's published vector, and signAdyen writes the same signature", async () => {
    expect(validator.calculateHmac(SDK_ITEM as never, SDK_KEY)).toBe(SDK_SIGNATURE)
    const { seen, post } = setup()
    const response = await post(bodyOf(withSignature(SDK_ITEM, SDK_SIGNATURE)))
    expect(response).toEqual({ status: 200, headers: { 'content-type': 'text/plain' }, body: '[accepted]' })
    expect(seen.map((event) => [event.id, event.type])).toEqual([['CAPTURE:pspReference:true', 'CAPTURE']])
    const signed = JSON.parse(signAdyen({ payload: SDK_ITEM, hmacKey: SDK_KEY }).body)
    expect(signed.notificationItems[0].NotificationRequestItem.additionalData.hmacSignature).toBe(
      SDK_SIGNATURE,
    )
  })

  it('verifies items the library signs, and the library validates items signAdyen signs (lower- or upper-case keys)', async () => {
    const key = '0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9'
    for (const [index, hmacKey] of [key, key.toUpperCase()].entries()) {
      const item = { ...authorisation(`psp-${index}`), originalReference: index === 0 ? undefined : 'orig-1' }
      const { seen, post } = setup(hmacKey)
      const bySdk = withSignature(item, validator.calculateHmac(item as never, key))
      expect((await post(bodyOf(bySdk))).status).toBe(200)
      const ours = JSON.parse(signAdyen({ payload: item, hmacKey }).body).notificationItems[0]
        .NotificationRequestItem
      expect(validator.validateHMAC(ours, key)).toBe(true)
      expect(validator.validateHMAC(ours, key.replace(/^0a/, '0b'))).toBe(false)
      expect(seen).toHaveLength(1)
    }
  })

  it('signAdyen refuses an item without a field the signature covers, naming the fields', () => {
    const { amount: _amount, ...withoutAmount } = authorisation('psp-1')
    const { success: _success, ...withoutSuccess } = authorisation('psp-2')
    for (const payload of [withoutAmount, [authorisation('psp-3'), withoutSuccess], null])
      expect(() => signAdyen({ payload: payload as unknown as AdyenItemToSign, hmacKey: SDK_KEY })).toThrow(
        new TypeError(
          'signAdyen({ payload }): each item needs pspReference, merchantAccountCode, merchantReference, eventCode, success ("true"/"false") and amount { value, currency }.',
        ),
      )
  })

  it('refuses an item without hmacSignature with 401 signature_missing, saying how to enable it', async () => {
    const response = await setup().post(bodyOf(SDK_ITEM))
    expect(response.status).toBe(401)
    expect(JSON.parse(response.body)).toMatchObject({
      code: 'signature_missing',
      detail: expect.stringMatching(/HMAC signature/),
    })
  })

  it('refuses bodies that carry no item with 401 signature_missing', async () => {
    const { post, seen } = setup()
    for (const body of ['not json', '{}', '{"notificationItems":[]}', '{"notificationItems":[{}]}', '[]']) {
      const response = await post(body)
      expect(response.status, body).toBe(401)
      expect(JSON.parse(response.body).code).toBe('signature_missing')
    }
    expect(seen).toHaveLength(0)
  })

  it('refuses a key that is not hex at construction, without echoing it', () => {
    const apiKey = 'AQEyhmfxK4LIaRZGw0m/n3Q5qf3VaY9UCJ14XWZE03G/k2NFisb8nD9'
    expect(() => adyen({ hmacKey: apiKey })).toThrow(/hex/)
    expect(() => adyen({ hmacKey: apiKey })).not.toThrow(apiKey)
    expect(() => adyen({ hmacKey: 'abc' })).toThrow(TypeError)
  })
})

describe('Adyen batches', () => {
  it('dispatches every item on its eventCode, under <eventCode>:<pspReference>:<success>', async () => {
    const { seen, post } = setup()
    const refund = { ...authorisation('psp-r'), eventCode: 'REFUND', originalReference: 'psp-1' }
    const delivery = signAdyen({ payload: [authorisation('psp-1'), refund], hmacKey: SDK_KEY })
    expect((await post(delivery.body)).body).toBe('[accepted]')
    expect(seen.map((event) => [event.type, event.id])).toEqual([
      ['AUTHORISATION', 'AUTHORISATION:psp-1:true'],
      ['REFUND', 'REFUND:psp-r:true'],
    ])
    expect(seen[1]!.payload.originalReference).toBe('psp-1')
  })

  it('refuses the whole batch when one item does not verify, running no handler', async () => {
    const { seen, post } = setup()
    const body = JSON.parse(
      signAdyen({ payload: [authorisation('psp-1'), authorisation('psp-2')], hmacKey: SDK_KEY }).body,
    )
    body.notificationItems[1].NotificationRequestItem.amount.value = 1
    const response = await post(JSON.stringify(body))
    expect(response.status).toBe(401)
    expect(JSON.parse(response.body).code).toBe('signature_invalid')
    expect(seen).toHaveLength(0)
  })

  it('answers a duplicate [accepted] without running again, and takes success changing as a new event', async () => {
    const { seen, post } = setup()
    const failed = signAdyen({ payload: authorisation('psp-9', 'false'), hmacKey: SDK_KEY })
    await post(failed.body)
    expect((await post(failed.body)).body).toBe('[accepted]')
    expect(seen).toHaveLength(1)
    await post(signAdyen({ payload: authorisation('psp-9', 'true'), hmacKey: SDK_KEY }).body)
    expect(seen.map((event) => event.id)).toEqual(['AUTHORISATION:psp-9:false', 'AUTHORISATION:psp-9:true'])
  })

  it('answers 400 payload_invalid for a signed item without an eventCode', async () => {
    const item = { ...SDK_ITEM, eventCode: '' }
    const response = await setup().post(
      bodyOf(withSignature(item, validator.calculateHmac(item as never, SDK_KEY))),
    )
    expect(response.status).toBe(400)
    expect(JSON.parse(response.body).code).toBe('payload_invalid')
  })
})
