/** Reads one header of a family by its name without the prefix; undefined when it is absent or empty. */
export type HeaderFamilyReader<Name extends string> = (
  headers: Readonly<Record<string, string>>,
  name: Name,
) => string | undefined

/**
 * A reader for a header family that a sender writes under several prefixes (Shopify's `x-shopify-*` and
 * `shopify-*`; Standard Webhooks' `webhook-*` and Svix's `svix-*`). The full header names are built once, here, not
 * per request.
 * - Without `chosenBy`, each header is read under the first prefix that carries it.
 * - With `chosenBy`, one family is read whole: the first whose `chosenBy` header is present, else the last, so a
 *   request never mixes an id from one family with a timestamp from the other.
 */
export function headerFamily<Name extends string>(
  prefixes: readonly string[],
  names: readonly Name[],
  chosenBy?: Name,
): HeaderFamilyReader<Name> {
  const families = prefixes.map(
    (prefix) => Object.fromEntries(names.map((name) => [name, prefix + name])) as Record<Name, string>,
  )
  const last = families[families.length - 1] as Record<Name, string>
  if (chosenBy === undefined) {
    return (headers, name) => {
      for (const family of families) {
        const value = headers[family[name]]
        if (value !== undefined) return value === '' ? undefined : value
      }
      return undefined
    }
  }
  return (headers, name) => {
    let chosen = last
    for (const family of families) {
      if (headers[family[chosenBy]] !== undefined) {
        chosen = family
        break
      }
    }
    const value = headers[chosen[name]]
    return value === '' ? undefined : value
  }
}
