/**
 * Compile-time proof that both implementations of `#crypto` keep the contract of runtime.ts: this file stops
 * type-checking when node.ts or web.ts lacks a function or gives one another signature. It holds types only, and
 * nothing imports it; `tsc` checks it with the rest of src/.
 */
import type * as NodeRuntime from './node.js'
import type { CryptoRuntime } from './runtime.js'
import type * as WebRuntime from './web.js'

type Implements<Contract, Module extends Contract> = Module

export type NodeConformance = Implements<
  CryptoRuntime<'sync', NodeRuntime.HmacKey, NodeRuntime.PublicKey, NodeRuntime.PrivateKey>,
  typeof NodeRuntime
>
export type WebConformance = Implements<
  CryptoRuntime<'async', WebRuntime.HmacKey, WebRuntime.PublicKey, WebRuntime.PrivateKey>,
  typeof WebRuntime
>
