/**
 * `webhook-receiver fixtures [provider] [event]`: the ready-made events, and one's payload as JSON, to start a
 * `--file` from.
 */
import { nowSeconds } from '../testing/delivery.js'
import { readArgs } from './args.js'
import { fresh } from './fresh.js'
import type { Output } from './output.js'
import { senderNamed, SENDERS } from './senders.js'
import { UsageError } from './usage-error.js'

export const FIXTURES_HELP = `Usage: webhook-receiver fixtures [<provider> [<event>]]

  (no argument)          every provider and its ready-made events
  <provider>             its events, with what each one is
  <provider> <event>     the event's payload as JSON (fresh ids, now), e.g. to edit and send with --file

Example:
  webhook-receiver fixtures stripe payment_intent.succeeded > payment.json
`

export function fixtures(args: string[], output: Output): number {
  const { values, positionals } = readArgs('fixtures', args, { help: { type: 'boolean', short: 'h' } })
  if (values.help) {
    output.out(FIXTURES_HELP)
    return 0
  }
  const [provider, event, ...rest] = positionals
  if (rest.length > 0) throw new UsageError('fixtures takes at most a provider and an event.')
  if (provider === undefined) {
    for (const sender of SENDERS)
      output.out(`${sender.name.padEnd(18)} ${Object.keys(sender.fixtures).join(', ')}`)
    return 0
  }
  const sender = senderNamed(provider)
  if (event === undefined) {
    for (const [name, fixture] of Object.entries(sender.fixtures))
      output.out(`${name.padEnd(28)} ${fixture.summary}${name === sender.defaultEvent ? ' (default)' : ''}`)
    return 0
  }
  const fixture = sender.fixtures[event]
  if (fixture === undefined)
    throw new UsageError(
      `${sender.title} has no ready-made "${event}" event. Ready-made: ${Object.keys(sender.fixtures).join(', ')}.`,
    )
  output.out(JSON.stringify(fixture.payload(fresh(nowSeconds())), null, 2))
  return 0
}
