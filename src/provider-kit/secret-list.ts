import type { SecretOption } from '../types/provider.js'

/**
 * Says what is wrong with a secret that is well-formed text but the wrong credential (an API key or token pasted
 * where the signing secret belongs), or undefined when it may be right.
 */
export type SecretCheck = (secret: string) => string | undefined

/** How a provider's credential is named and checked; every field has a default that fits a signing secret. */
export interface SecretRules {
  /** What one value is called in messages. Default `'secret'`. */
  noun?: 'secret' | 'key'
  /** What to pass, said when nothing was given. Default: the endpoint's signing secret. */
  expected?: string
  /** Accept PEM blocks with the white space around them (a PEM file ends with a newline by nature). */
  pem?: boolean
  check?: SecretCheck
}

/**
 * The stand-in for a secret given as a resolver while `perRequestSecrets` builds the provider's template (its name,
 * deadline, limits and reply, which no secret changes): `secretList` returns it as is, unchecked, so a factory
 * builds with no key at all. Never used to verify a delivery.
 */
export const NO_SECRETS_YET: readonly string[] = Object.freeze([])

/**
 * Validates secrets when the provider is created, so a missing environment variable or a pasted API key fails at
 * start-up with a clear message rather than as a 401 on the first real delivery. Returns the secrets as a list
 * (rotation). The messages name the option and the secret's position, never its value. Secrets a resolver returns
 * are checked the same way, when they are first resolved (see `perRequestSecrets`).
 */
export function secretList(
  secret: SecretOption | undefined,
  provider: string,
  option: string,
  rules: SecretRules = {},
): string[] {
  if (secret === NO_SECRETS_YET) return NO_SECRETS_YET as string[]
  const where = `${provider}({ ${option} })`
  const noun = rules.noun ?? 'secret'
  if (typeof secret === 'function') {
    // Only a provider built without perRequestSecrets gets here: its factory must hand resolvers to it first.
    throw new TypeError(
      `${where}: this ${noun} cannot be given as a resolver; pass a string or an array of strings.`,
    )
  }
  const list = typeof secret === 'string' ? [secret] : Array.isArray(secret) ? [...secret] : []
  if (list.length === 0) {
    throw new TypeError(
      `${where}: no ${noun} given. Pass ${rules.expected ?? "the endpoint's signing secret"} (a string, or an array of strings while rotating).`,
    )
  }
  list.forEach((value, index) => {
    if (typeof value !== 'string' || value.trim() === '') {
      throw new TypeError(`${where}: ${noun} #${index + 1} is empty. Is the environment variable set?`)
    }
    const isPem = rules.pem === true && value.trimStart().startsWith('-----BEGIN')
    if (!isPem && value !== value.trim()) {
      throw new TypeError(
        `${where}: ${noun} #${index + 1} has leading or trailing white space; remove it (a copy-paste artefact).`,
      )
    }
    const problem = rules.check?.(value)
    if (problem !== undefined) throw new TypeError(`${where}: ${noun} #${index + 1}: ${problem}`)
  })
  return list
}
