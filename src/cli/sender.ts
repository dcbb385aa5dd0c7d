/**
 * What the CLI knows about sending as one provider: its fixtures (realistic payloads of its common events), the
 * credentials its signer takes, and what it cannot do (a sender that signs no timestamp cannot be made stale).
 * Signing itself is always the `webhook-receiver/testing` signer's: a module of src/cli/providers/ only maps the
 * command line onto it.
 */
import type { Signed, SignedDelivery } from '../testing/delivery.js'
import type { Fresh } from './fresh.js'

/** One ready-made event. */
export interface Fixture {
  /** One line for `fixtures` and `--help`. */
  summary: string
  /** The payload, with fresh ids and times (see fresh.ts). */
  payload(fresh: Fresh): unknown
}

/** The credentials given on the command line (or in the environment). */
export interface Credentials {
  secret?: string
  privateKey?: string
  username?: string
  /** PayPal: the webhook ID it signs (`--webhook-id`), and where it says its certificate is (`--cert-url`). */
  webhookId?: string
  certUrl?: string
}

/** What a sender signs one delivery from. */
export interface SignInput {
  /** The event: a fixture's name, or `--event` with `--file`. */
  event: string
  /** The payload: a fixture's, or the `--file` parsed as JSON. */
  payload: unknown
  /** The `--file` as it was read, for senders whose body is the payload itself: it is sent byte for byte. */
  text: string | undefined
  credentials: Credentials
  /** The URL the sender signs (Twilio, Square, HubSpot): `--signed-url`, else `--url`. */
  signedUrl: string
  /** Signing time, in seconds since the epoch: now, or an hour ago with `--stale`. */
  timestamp: number
}

export interface Sender {
  /** `send <name>`: the provider's subpath, `webhook-receiver/providers/<name>`. */
  name: string
  /** The provider's own name, in dedup keys and queue names (`coinbase-commerce`); default `name`. */
  receiverName?: string
  /** How people write it: `Stripe`. */
  title: string
  /** The credential flags it needs, for `--help` and for the message when one is missing. */
  needs: string
  /** What is missing from `credentials`, if anything, as a sentence saying what to pass. */
  missing(credentials: Credentials): string | undefined
  /** Why `--stale` means nothing for this sender: it signs no timestamp. Undefined when it signs one. */
  noTimestamp?: string
  /** Why `--tamper` is not detectable: the sender signs no content. Undefined when it signs the body. */
  noSignedBody?: string
  /**
   * Set when the event type travels in a header, not in the payload: what to pass with `--file` (GitHub's
   * `X-GitHub-Event`), so `--file` needs `--event`.
   */
  eventInHeader?: string
  defaultEvent: string
  fixtures: Readonly<Record<string, Fixture>>
  sign(input: SignInput): Signed<SignedDelivery>
}

/** `missing` for a sender whose one credential is `--secret`. */
export const needsSecret =
  (what: string) =>
  ({ secret }: Credentials): string | undefined =>
    secret === undefined ? `pass --secret <${what}> (or set WEBHOOK_RECEIVER_SECRET)` : undefined

/**
 * `needs` and `missing` of a sender whose one credential is `--secret`: `what` it is, and `missingWhat`, when the
 * message for a missing one says it otherwise (where to find it).
 */
export const secretCredential = (what: string, missingWhat = what): Pick<Sender, 'needs' | 'missing'> => ({
  needs: `--secret <${what}>`,
  missing: needsSecret(missingWhat),
})

/** `noTimestamp` of a sender that signs no timestamp, with `detail` in parentheses (what is not signed). */
export const signsNoTimestamp = (title: string, detail?: string): string =>
  `${title} signs no timestamp${detail === undefined ? '' : ` (${detail})`}: the dedup store is what refuses a copy (try --replay-of).`

/**
 * `noSignedBody` of a sender that does not sign the whole body: `reason`, so `change` cannot be detected (`aside`
 * says what keeps it intact), and which credential to get wrong to check the endpoint instead.
 */
export const undetectableChange = (reason: string, change: string, credential: string, aside = ''): string =>
  `${reason}, so ${change} cannot be detected by any receiver${aside}. Check the ${credential} instead: send with a wrong --secret.`

/** The body to sign: the `--file` as it was read, else the payload (the signer serialises it). */
export const bodyOf = (input: SignInput): unknown => input.text ?? input.payload

/** The `--secret`, once `missing` has said it is there. */
export const secretOf = (input: SignInput): string => input.credentials.secret as string

/** The `--private-key` (or `--private-key-file`), once `missing` has said it is there. */
export const privateKeyOf = (input: SignInput): string => input.credentials.privateKey as string
