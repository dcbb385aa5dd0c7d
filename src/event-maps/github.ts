import type { operations as Operations } from '@octokit/openapi-webhooks-types'
import type { PeerMissing, UntypedEvents } from './optional-peer.js'

type Underscored<S extends string> = S extends `${infer Head}-${infer Tail}`
  ? `${Head}_${Underscored<Tail>}`
  : S
/** `pull-request/ready-for-review` (the OpenAPI operation) → `pull_request.ready_for_review` (what GitHub sends). */
type EventName<S extends string> = S extends `${infer Event}/${infer Action}`
  ? `${Underscored<Event>}.${Underscored<Action>}`
  : Underscored<S>
type PayloadOf<T> = T extends { requestBody: { content: { 'application/json': infer P } } } ? P : never
type BaseName<S extends string> = S extends `${infer Event}.${string}` ? Event : never

/** Every GitHub event (`push`, `issues.opened`, …) mapped to its payload, from `@octokit/openapi-webhooks-types`. */
export type GitHubEventMap =
  PeerMissing<Operations> extends true
    ? UntypedEvents
    : { [K in keyof Operations & string as EventName<K>]: PayloadOf<Operations[K]> }
/** Event names without their action (`issues`): a handler on one receives every action of that event. */
export type GitHubEventAlias = BaseName<keyof GitHubEventMap & string>
