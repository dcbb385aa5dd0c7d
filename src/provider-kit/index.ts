/**
 * The provider kit: what every provider in src/providers/ builds on, so that a provider's file holds only its
 * sender's scheme (which headers, which bytes are signed, where the id and the type are). Internal, not a package
 * entry point; how to add a provider is docs/adding-a-provider.md.
 *
 * One rule for everything a provider computes with `#crypto` (src/crypto/runtime.ts): compose the results with
 * `chain` and `all`, never `await` them, and never make `verify` or `parse` `async`. A `CryptoResult<T>` is `T`
 * itself on Node (node:crypto answers at once) and a `Promise<T>` on edge runtimes (Web Crypto answers no other
 * way); `chain(result, next)` is a plain call on Node and a `.then` on the edge. So one provider source verifies a
 * delivery on Node without a single microtask, where an `await` would cost each delivery a promise and a tick, and
 * still runs on the edge (docs/architecture.md, "Crypto results").
 */
export { DAY_MS, HOUR_MS } from './durations.js'
export { headerFamily, type HeaderFamilyReader } from './header-reader.js'
export { oncePerBody } from './once-per-body.js'
export { perRequestSecrets, tenantScope } from './per-request-secrets.js'
export { requireHeader, requireSignature } from './required-header.js'
export { secretList, type SecretCheck, type SecretRules } from './secret-list.js'
export { signatureVerdict } from './signature-verdict.js'
export { readRfc3339Timestamp } from './signed-timestamp.js'
export { singleEvent } from './single-event.js'
export { createTokenMatcher, type TokenMatcher } from './token-match.js'
