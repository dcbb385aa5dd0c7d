/**
 * How an event map tells that its optional peer's types are not installed. In the published declarations, the
 * import of the peer carries `@ts-ignore` (scripts/optional-peer-imports.mjs), so a missing package is no error,
 * even with `skipLibCheck: false`, and what it imports is an error type that behaves as `any`. Only `any` is
 * assignable to this object type, which no real module or interface has; the tuple keeps `any` out of the
 * conditional's own check and extends positions, where TypeScript answers `any` instead of `true`.
 */
export type PeerMissing<T> = [T] extends [{ readonly 'webhook-receiver: peer types not installed': true }]
  ? true
  : false

/** What a provider's events are typed as without its peer types: any name, `unknown` payloads. */
export type UntypedEvents = Record<string, unknown>
