/**
 * The two implementations of `#crypto` agree: src/crypto/node.ts (node:crypto, synchronous) and src/crypto/web.ts
 * (Web Crypto, asynchronous) give the same bytes for every codec, HMAC and digest, compare alike, and verify each
 * other's signatures. Property-based, with a fixed seed.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as nodeRuntime from '../../src/crypto/node.js'
import * as webRuntime from '../../src/crypto/web.js'

const settings = { numRuns: 200, seed: 4 }
const part = fc.oneof(fc.string({ unit: 'binary' }), fc.uint8Array({ maxLength: 300 }))
const bytesOf = (value: Uint8Array) => [...value]

describe('#crypto: node and web implementations', () => {
  it('encode and decode UTF-8, base64 and hex identically (invalid UTF-8, lone surrogates, BOM included)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.string({ unit: 'binary' }), (bytes, text) => {
        const withBom = Uint8Array.from([0xef, 0xbb, 0xbf, ...bytes])
        expect(webRuntime.utf8Decode(withBom)).toBe(nodeRuntime.utf8Decode(withBom))
        expect(bytesOf(webRuntime.utf8Encode(text))).toEqual(bytesOf(nodeRuntime.utf8Encode(text)))
        const base64 = nodeRuntime.base64Encode(bytes)
        expect(webRuntime.base64Encode(bytes)).toBe(base64)
        expect(bytesOf(webRuntime.base64Decode(base64))).toEqual(bytesOf(bytes))
        const hex = nodeRuntime.hexEncode(bytes)
        expect(webRuntime.hexEncode(bytes)).toBe(hex)
        expect(bytesOf(webRuntime.hexDecode(hex.toUpperCase()))).toEqual(bytesOf(bytes))
      }),
      settings,
    )
  })

  it('base64-encode a 100 KiB array in one call (no argument-count limit)', () => {
    const large = new Uint8Array(100 * 1024).map((_, index) => index)
    expect(webRuntime.base64Encode(large)).toBe(nodeRuntime.base64Encode(large))
  })

  it('compute the same HMAC (SHA-1, SHA-256, SHA-512) and SHA-256 over the same parts', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('sha1', 'sha256', 'sha512' as const),
        fc.uint8Array({ minLength: 1, maxLength: 100 }),
        fc.array(part, { maxLength: 4 }),
        async (algorithm, secret, parts) => {
          const expected = nodeRuntime.hmac(nodeRuntime.importHmacKey(algorithm, secret), parts)
          const actual = await webRuntime.hmac(webRuntime.importHmacKey(algorithm, secret), parts)
          expect(bytesOf(actual)).toEqual(bytesOf(expected))
          expect(bytesOf(await webRuntime.sha256(parts))).toEqual(bytesOf(nodeRuntime.sha256(parts)))
          expect(bytesOf(webRuntime.concatBytes(parts))).toEqual(bytesOf(nodeRuntime.concatBytes(parts)))
        },
      ),
      settings,
    )
  })

  it('compare alike: equal contents only, unequal lengths never', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ maxLength: 40 }), (a, b) => {
        expect(webRuntime.timingSafeEqual(a, b)).toBe(nodeRuntime.timingSafeEqual(a, b))
        expect(webRuntime.timingSafeEqual(a, Uint8Array.from(a))).toBe(true)
      }),
      settings,
    )
  })

  it("verify each other's ECDSA P-256 and Ed25519 signatures, and refuse a changed byte", async () => {
    for (const algorithm of ['ecdsa-p256', 'ed25519'] as const) {
      const nodePair = nodeRuntime.generateKeyPair(algorithm)
      const webPair = await webRuntime.generateKeyPair(algorithm)
      const data = nodeRuntime.utf8Encode(`${algorithm} data`)
      const fromNode = nodeRuntime.sign(nodePair.privateKey, data)
      const fromWeb = await webRuntime.sign(webPair.privateKey, data)
      expect(
        await webRuntime.verifySignature(
          webRuntime.importPublicKey(algorithm, nodePair.spki),
          data,
          fromNode,
        ),
      ).toBe(true)
      expect(
        nodeRuntime.verifySignature(nodeRuntime.importPublicKey(algorithm, webPair.spki), data, fromWeb),
      ).toBe(true)
      const changed = Uint8Array.from(fromNode)
      changed[5] = (changed[5] as number) ^ 1
      const webKey = webRuntime.importPublicKey(algorithm, nodePair.spki)
      expect(await webRuntime.verifySignature(webKey, data, changed)).toBe(false)
      expect(await webRuntime.verifySignature(webKey, data, changed.subarray(1))).toBe(false)
      const reimported = await webRuntime.importPrivateKey(algorithm, nodePair.pkcs8)
      const again = await webRuntime.sign(reimported, data)
      expect(
        nodeRuntime.verifySignature(nodeRuntime.importPublicKey(algorithm, nodePair.spki), data, again),
      ).toBe(true)
    }
  })

  it('refuse a public key of the wrong kind (node) and reject its use (web)', async () => {
    const ed25519 = nodeRuntime.generateKeyPair('ed25519').spki
    expect(() => nodeRuntime.importPublicKey('ecdsa-p256', ed25519)).toThrow(TypeError)
    const key = webRuntime.importPublicKey('ecdsa-p256', ed25519)
    await expect(webRuntime.verifySignature(key, new Uint8Array(1), new Uint8Array(64))).rejects.toThrow()
  })

  it('draw random bytes and v4 UUIDs', () => {
    for (const runtime of [nodeRuntime, webRuntime]) {
      expect(runtime.randomBytes(24)).toHaveLength(24)
      expect(runtime.randomUUID()).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      )
    }
  })
})
