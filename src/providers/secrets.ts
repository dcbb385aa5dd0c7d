/**
 * Says what is wrong with a secret that is well-formed text but the wrong credential (an API key or token pasted
 * where the signing secret belongs), or undefined when it may be right.
 */
export type SecretCheck = (secret: string) => string | undefined

/**
 * Validates secrets when the provider is created, so a missing environment variable or a pasted API key fails at
 * start-up with a clear message rather than as a 401 on the first real delivery. Returns the secrets as a list
 * (rotation). The messages name the option and the secret's position, never its value.
 *
 * @example
 * ```ts
 * const secrets = secretList(options.secret, 'stripe', 'secret', (s) =>
 *   s.startsWith('whsec_') ? undefined : 'a signing secret starts with whsec_',
 * ) // ['whsec_…']
 * ```
 */
export function secretList(
  secret: string | readonly string[] | undefined,
  provider: string,
  option: string,
  check?: SecretCheck,
): string[] {
  const list = typeof secret === 'string' ? [secret] : Array.isArray(secret) ? [...secret] : []
  if (list.length === 0) {
    throw new TypeError(
      `${provider}({ ${option} }): no secret given. Pass the endpoint's signing secret (a string, or an array of strings while rotating).`,
    )
  }
  list.forEach((value, index) => {
    if (typeof value !== 'string' || value.trim() === '') {
      throw new TypeError(
        `${provider}({ ${option} }): secret #${index + 1} is empty. Is the environment variable set?`,
      )
    }
    if (value !== value.trim()) {
      throw new TypeError(
        `${provider}({ ${option} }): secret #${index + 1} has leading or trailing white space; remove it (a copy-paste artefact).`,
      )
    }
    const problem = check?.(value)
    if (problem !== undefined)
      throw new TypeError(`${provider}({ ${option} }): secret #${index + 1}: ${problem}`)
  })
  return list
}
