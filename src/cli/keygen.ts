/**
 * `webhook-receiver keygen <provider>`: a key pair for a sender that signs with its own private key (Discord,
 * SendGrid, Standard Webhooks' Ed25519), since nobody but the sender holds the real one: the endpoint is configured
 * with the public key, and `send` signs with the private one. The testing module's generators make them.
 */
import { generateDiscordKeyPair } from '../testing/discord.js'
import { generateSendGridKeyPair } from '../testing/sendgrid.js'
import { generateStandardWebhooksKeyPair } from '../testing/standard-webhooks.js'
import { readArgs } from './args.js'
import type { Output } from './output.js'
import { UsageError } from './usage-error.js'

export const KEYGEN_HELP = `Usage: webhook-receiver keygen <discord | sendgrid | standard-webhooks>

Prints a fresh key pair: configure your development endpoint with the public key, and send with the private key
(--private-key, or --private-key-file for SendGrid's PEM). Never use it in production: the real sender's public key
belongs there.

Example:
  webhook-receiver keygen discord
`

const PAIRS: Record<string, () => { publicKey: string; privateKey: string; endpoint: string }> = {
  discord: () => ({ ...generateDiscordKeyPair(), endpoint: 'discord({ publicKey })' }),
  sendgrid: () => {
    const { publicKey, privateKey } = generateSendGridKeyPair()
    return {
      publicKey,
      privateKey: (privateKey.export({ type: 'pkcs8', format: 'pem' }) as string).trim(),
      endpoint: 'sendgrid({ publicKey })',
    }
  },
  'standard-webhooks': () => ({
    ...generateStandardWebhooksKeyPair(),
    endpoint: 'standardWebhooks({ publicKey })',
  }),
}

export function keygen(args: string[], output: Output): number {
  const { values, positionals } = readArgs('keygen', args, { help: { type: 'boolean', short: 'h' } })
  if (values.help) {
    output.out(KEYGEN_HELP)
    return 0
  }
  const make = positionals.length === 1 ? PAIRS[positionals[0]!] : undefined
  if (make === undefined)
    throw new UsageError(
      `keygen takes one of ${Object.keys(PAIRS).join(', ')} (the senders that sign with a private key); got ${positionals.join(' ') || 'none'}.`,
    )
  const { publicKey, privateKey, endpoint } = make()
  output.out(
    `public key (for ${endpoint}):\n${publicKey}\n\nprivate key (for send --private-key):\n${privateKey}`,
  )
  return 0
}
