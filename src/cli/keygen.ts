/**
 * `webhook-receiver keygen <provider>`: a key pair for a sender that signs with its own private key (Discord,
 * SendGrid, Standard Webhooks' Ed25519, PayPal), since nobody but the sender holds the real one: the endpoint is
 * configured with the public key (PayPal's: a certificate), and `send` signs with the private one. The testing
 * module's generators make them.
 */
import { generateDiscordKeyPair } from '../testing/discord.js'
import { generatePayPalCertificate } from '../testing/paypal.js'
import { generateSendGridKeyPair } from '../testing/sendgrid.js'
import { generateStandardWebhooksKeyPair } from '../testing/standard-webhooks.js'
import { readArgs } from './args.js'
import type { Output } from './output.js'
import { PAYPAL_CLI_CERT_URL } from './providers/paypal.js'
import { UsageError } from './usage-error.js'

export const KEYGEN_HELP = `Usage: webhook-receiver keygen <discord | paypal | sendgrid | standard-webhooks>

Prints a fresh key pair: configure your development endpoint with the public key, and send with the private key
(--private-key, or --private-key-file for the PEMs of SendGrid and PayPal). Never use it in production: the real
sender's public key belongs there.

PayPal's public half is a self-signed certificate, which a PayPal endpoint downloads from the PAYPAL-CERT-URL of
the delivery: give your development endpoint
paypal({ webhookId, fetch: payPalCertificateFetch({ [url]: certificate }) }) with the URL printed (see docs/cli.md).
Both PEMs are in one output: save it to a file, and pass that file to send paypal --private-key-file and to your
endpoint (each reads its own PEM block from it).

Examples:
  webhook-receiver keygen discord
  webhook-receiver keygen paypal > paypal-dev.pem
`

interface Pair {
  /** What the endpoint is configured with, and how. */
  publicLabel: string
  publicKey: string
  /** What `send` takes. */
  privateLabel: string
  privateKey: string
}

const PAIRS: Record<string, () => Pair | Promise<Pair>> = {
  discord: () => ({
    ...generateDiscordKeyPair(),
    publicLabel: 'public key (for discord({ publicKey }))',
    privateLabel: 'private key (for send --private-key)',
  }),
  paypal: async () => {
    const { certificate, privateKey } = await generatePayPalCertificate()
    return {
      publicLabel: `certificate (serve it at ${PAYPAL_CLI_CERT_URL} to paypal({ webhookId, fetch: payPalCertificateFetch({ [url]: certificate }) }))`,
      publicKey: certificate.trim(),
      privateLabel: 'private key (for send paypal --private-key-file, with --webhook-id)',
      privateKey: privateKey.trim(),
    }
  },
  sendgrid: () => {
    const { publicKey, privateKey } = generateSendGridKeyPair()
    return {
      publicLabel: 'public key (for sendgrid({ publicKey }))',
      publicKey,
      privateLabel: 'private key (for send --private-key-file)',
      privateKey: (privateKey.export({ type: 'pkcs8', format: 'pem' }) as string).trim(),
    }
  },
  'standard-webhooks': () => ({
    ...generateStandardWebhooksKeyPair(),
    publicLabel: 'public key (for standardWebhooks({ publicKey }))',
    privateLabel: 'private key (for send --private-key)',
  }),
}

export async function keygen(args: string[], output: Output): Promise<number> {
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
  const { publicLabel, publicKey, privateLabel, privateKey } = await make()
  output.out(`${publicLabel}:\n${publicKey}\n\n${privateLabel}:\n${privateKey}`)
  return 0
}
