/**
 * DER ↔ IEEE P1363 conversion of ECDSA signatures (SendGrid sends DER, Web Crypto verifies r‖s): real signatures
 * round-trip, and only canonical DER is accepted, for any input.
 */
import { createSign, generateKeyPairSync, verify } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { derToP1363, p1363ToDer } from '../../src/crypto/ecdsa-signature.js'

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
const hex = (text: string) => Uint8Array.from(Buffer.from(text.replace(/\s/g, ''), 'hex'))

describe('derToP1363', () => {
  it('converts real DER signatures to r‖s that node:crypto verifies, and back to the same DER', () => {
    for (let n = 0; n < 200; n++) {
      const data = `message ${n}`
      const der = createSign('sha256').update(data).sign(privateKey)
      const p1363 = derToP1363(der)!
      expect(p1363).toHaveLength(64)
      expect(verify('sha256', Buffer.from(data), { key: publicKey, dsaEncoding: 'ieee-p1363' }, p1363)).toBe(
        true,
      )
      expect(Buffer.from(p1363ToDer(p1363)).equals(der)).toBe(true)
    }
  })

  it('accepts only canonical DER: whatever it accepts re-encodes to exactly the input', () => {
    const derLike = fc
      .tuple(fc.uint8Array({ maxLength: 34 }), fc.uint8Array({ maxLength: 34 }))
      .map(([r, s]) =>
        Uint8Array.from([0x30, r.length + s.length + 4, 0x02, r.length, ...r, 0x02, s.length, ...s]),
      )
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 80 }), derLike), (input) => {
        const p1363 = derToP1363(input)
        if (p1363 !== undefined) expect([...p1363ToDer(p1363)]).toEqual([...input])
      }),
      { numRuns: 2000, seed: 7 },
    )
  })

  it.each([
    ['an empty input', ''],
    ['a trailing byte', '3006 020101 020101 00'],
    ['a SEQUENCE length that is not the rest', '3007 020101 020101'],
    ['another outer tag', '3106 020101 020101'],
    ['another inner tag', '3006 030101 020101'],
    ['a negative r', '3006 020181 020101'],
    ['a non-minimal leading zero', '3007 02020001 020101'],
    ['a zero r', '3006 020100 020101'],
    ['an r of 33 bytes without a sign byte', `3026 0221${'01'.repeat(33)} 020101`],
    ['a long-form length', '308106 020101 020101'],
    ['an INTEGER running past the end', '3006 020901 020101'],
  ])('refuses %s', (_, text) => {
    expect(derToP1363(hex(text))).toBeUndefined()
  })

  it('accepts r and s of 32 bytes with a sign byte, and short ones, left-padding them', () => {
    const r = `00${'ff'.repeat(32)}`
    const p1363 = derToP1363(hex(`3026 0221${r} 020105`))!
    expect(Buffer.from(p1363).toString('hex')).toBe(`${'ff'.repeat(32)}${'00'.repeat(31)}05`)
  })
})
