/**
 * `webhook-receiver send`: signs deliveries exactly as the provider's sender does (the `webhook-receiver/testing`
 * signers), posts them, prints each answer, and exits non-zero when one is not what a correct endpoint answers in
 * that mode (expectation.ts). docs/cli.md describes every option.
 */
import { basename } from 'node:path'
import { nowSeconds } from '../testing/delivery.js'
import { readArgs, readTextFile, wholeNumber } from './args.js'
import { EXPECTATIONS, type Expectation, type Mode } from './expectation.js'
import { fresh } from './fresh.js'
import { post } from './post.js'
import { payPalCertificateUrl } from '../providers/paypal.js'
import { PAYPAL_CLI_CERT_URL } from './providers/paypal.js'
import type { Output } from './output.js'
import { readSavedDeliveries, saveDeliveries, type PostedDelivery } from './saved-delivery.js'
import type { Credentials, Sender } from './sender.js'
import { senderNamed, SENDERS } from './senders.js'
import { tamperedBody } from './tamper.js'
import { UsageError } from './usage-error.js'

/** `Label: a, b, c.` in lines as wide as the rest of --help. */
function helpList(label: string, names: string[], width = 116): string {
  const lines = [`${label}:`]
  for (const [index, name] of names.entries()) {
    const word = `${name}${index === names.length - 1 ? '.' : ','}`
    if (lines.at(-1)!.length + 1 + word.length > width) lines.push(word)
    else lines[lines.length - 1] += ` ${word}`
  }
  return lines.join('\n')
}

export const SEND_HELP = `Usage: webhook-receiver send <provider> --url <endpoint> [credentials] [options]

Signs deliveries exactly as the provider's sender does and posts them to your endpoint, printing each answer's
status, problem code and time. Each delivery is a new event (fresh ids, signed now).

What to send:
  --event <name>          a ready-made event (default: the provider's first); \`webhook-receiver fixtures <provider>\`
                          lists them. With --file: the event type, for senders that name it in a header
  --file <payload.json>   your own payload, sent as the file is (Twilio: a JSON object of form fields)
  --count <n>             send n deliveries, one after the other (default 1)

Credentials (never printed):
  --secret <secret>       the shared secret (or WEBHOOK_RECEIVER_SECRET); Postmark: the Basic password
  --private-key <key>     Discord, SendGrid, Standard Webhooks (Ed25519): the private key of a pair whose public key
                          the endpoint has (\`webhook-receiver keygen <provider>\`); or WEBHOOK_RECEIVER_PRIVATE_KEY
  --private-key-file <p>  the same, read from a file: SendGrid's PEM (it starts with dashes: pass it this way), and
                          PayPal's, the PEM of \`webhook-receiver keygen paypal\`
  --webhook-id <id>       PayPal: the webhook ID the endpoint is configured with
  --cert-url <url>        PayPal: the PAYPAL-CERT-URL to send, https on a paypal.com host as receivers require
                          (default ${PAYPAL_CLI_CERT_URL})
  --username <user>       Postmark: the Basic user name
  --signed-url <url>      Twilio, Square, HubSpot sign the public URL: give it when it differs from --url (a proxy)

Checks (the exit code says whether the endpoint answered as it must):
  (none)                  expects 2xx
  --stale                 signs an hour ago (--stale-by <seconds> to choose): expects 401 timestamp_out_of_tolerance
  --tamper                changes one byte of the body after signing: expects 401 signature_invalid
  --save <file>           writes what was sent (headers and body) to <file>, for --replay-of
  --replay-of <file>      sends a saved delivery again, byte for byte (no <provider> needed; --url to send it
                          elsewhere): expects 2xx or 409 (a duplicate), or 401 timestamp_out_of_tolerance

Other:
  --timeout <seconds>     per delivery (default 30)
  -h, --help

Exit codes: 0 every answer was the expected one; 1 one was not (or no answer came); 2 the command line is wrong.

${helpList(
  'Providers',
  SENDERS.map((sender) => sender.name),
)}

Examples:
  webhook-receiver send stripe --url http://localhost:3000/webhooks/stripe --secret whsec_… --event payment_intent.succeeded
  webhook-receiver send github --url http://localhost:3000/webhooks/github --secret … --event issues.opened --count 3
  webhook-receiver send stripe --url … --secret … --tamper
`

const OPTIONS = {
  url: { type: 'string' },
  secret: { type: 'string' },
  'private-key': { type: 'string' },
  'private-key-file': { type: 'string' },
  username: { type: 'string' },
  'webhook-id': { type: 'string' },
  'cert-url': { type: 'string' },
  'signed-url': { type: 'string' },
  event: { type: 'string' },
  file: { type: 'string' },
  count: { type: 'string' },
  save: { type: 'string' },
  'replay-of': { type: 'string' },
  stale: { type: 'boolean' },
  'stale-by': { type: 'string' },
  tamper: { type: 'boolean' },
  timeout: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const

/** `--stale` signs this long ago: beyond every sender's tolerance (Twitch's 10 minutes is the longest). */
const STALE_SECONDS = 3600

/** What one run sends, and what it expects back. */
interface Plan {
  title: string
  mode: Mode
  /** Where the deliveries go, for the first line. */
  url: string
  count: number
  /** The delivery to post `index`-th: each signed just before it is posted, so a long run stays in tolerance. */
  delivery(index: number): Promise<PostedDelivery>
  save?: { path: string; provider: string; event: string }
}

export async function send(args: string[], output: Output, env: NodeJS.ProcessEnv): Promise<number> {
  const { values, positionals } = readArgs('send', args, OPTIONS)
  if (values.help) {
    output.out(SEND_HELP)
    return 0
  }
  const timeoutSeconds = wholeNumber(values.timeout, '--timeout', 1, 3600) ?? 30
  if (positionals.length > 1)
    throw new UsageError(`send takes one provider, got ${positionals.length}: ${positionals.join(' ')}.`)
  const plan =
    values['replay-of'] !== undefined
      ? replayPlan(values, positionals[0])
      : sendPlan(values, positionals[0], env, output)
  const expectation = EXPECTATIONS[plan.mode]
  // The first one is signed before anything is printed: a credential the signer refuses is a usage error alone.
  let next: PostedDelivery | undefined = await plan.delivery(0)

  output.out(`${plan.title} → ${printable(plan.url)} (expecting ${expectation.label})`)
  const sent: PostedDelivery[] = []
  let unexpected = 0
  for (let index = 0; index < plan.count; index++) {
    const delivery: PostedDelivery = next ?? (await plan.delivery(index))
    next = undefined
    const result = await post(delivery, timeoutSeconds * 1000)
    sent.push(delivery)
    const ok = 'status' in result && expectation.met(result)
    if (!ok) unexpected++
    output.out(`  ${describeResult(index + 1, plan.count, result, ok, expectation)}`)
  }
  if (plan.save !== undefined) {
    saveDeliveries(plan.save.path, { provider: plan.save.provider, event: plan.save.event, deliveries: sent })
    output.out(`saved ${sent.length} ${sent.length === 1 ? 'delivery' : 'deliveries'} to ${plan.save.path}`)
  }
  output.out(
    unexpected === 0
      ? `${plan.count} of ${plan.count} answered as expected.`
      : `${unexpected} of ${plan.count} did not answer ${expectation.label}.`,
  )
  return unexpected === 0 ? 0 : 1
}

type Values = ReturnType<typeof readArgs<typeof OPTIONS>>['values']

function replayPlan(values: Values, provider: string | undefined): Plan {
  const path = values['replay-of'] as string
  const conflicting = (['event', 'file', 'stale', 'stale-by', 'tamper', 'save', 'count'] as const).filter(
    (name) => values[name] !== undefined,
  )
  if (conflicting.length > 0)
    throw new UsageError(
      `--replay-of sends the saved deliveries as they are: drop ${conflicting.map((name) => `--${name}`).join(', ')}.`,
    )
  const saved = readSavedDeliveries(path)
  if (provider !== undefined && senderNamed(provider).name !== saved.provider)
    throw new UsageError(`--replay-of ${path} holds ${saved.provider} deliveries, not ${provider}.`)
  const url = values.url === undefined ? undefined : endpoint(values.url, false).url
  return {
    title: `replay of ${saved.provider} ${saved.event} (${basename(path)})`,
    mode: 'replay',
    url: url ?? saved.deliveries[0]!.url,
    count: saved.deliveries.length,
    delivery: async (index) => ({ ...saved.deliveries[index]!, url: url ?? saved.deliveries[index]!.url }),
  }
}

function sendPlan(
  values: Values,
  provider: string | undefined,
  env: NodeJS.ProcessEnv,
  output: Output,
): Plan {
  const sender = senderNamed(provider)
  if (values.url === undefined)
    throw new UsageError(
      `send ${sender.name} needs --url <your endpoint>, e.g. --url http://localhost:3000/webhooks/${sender.name}.`,
    )
  const { url, username, password } = endpoint(values.url, sender.name === 'postmark')
  const credentials = readCredentials(values, env, { username, password })
  const missing = sender.missing(credentials)
  if (missing !== undefined) throw new UsageError(`send ${sender.name}: ${missing}.`)
  // The user name (Postmark's) is no secret: masking it would mask the word `postmark` too.
  for (const value of [credentials.secret, credentials.privateKey])
    if (value !== undefined) output.redact(value)

  const stale = values.stale === true || values['stale-by'] !== undefined
  if (stale && values.tamper)
    throw new UsageError('--stale and --tamper check one thing each: pass one of them.')
  if (stale && sender.noTimestamp !== undefined)
    throw new UsageError(`--stale cannot be checked for ${sender.title}: ${sender.noTimestamp}`)
  if (values.tamper && sender.noSignedBody !== undefined)
    throw new UsageError(`--tamper cannot be checked for ${sender.title}: ${sender.noSignedBody}`)
  const staleBy = wholeNumber(values['stale-by'], '--stale-by', 1, 10 * 365 * 86_400) ?? STALE_SECONDS
  const count = wholeNumber(values.count, '--count', 1, 10_000) ?? 1
  const { event, payload, text } = whatToSend(sender, values)
  const signedUrl = values['signed-url'] === undefined ? url : endpoint(values['signed-url'], false).url
  const mode: Mode = stale ? 'stale' : values.tamper ? 'tamper' : 'send'

  return {
    title: `${sender.name} ${event}${mode === 'send' ? '' : ` (${mode === 'stale' ? `signed ${staleBy} s ago` : 'one byte changed after signing'})`}`,
    mode,
    save: values.save === undefined ? undefined : { path: values.save, provider: sender.name, event },
    url,
    count,
    async delivery() {
      const now = nowSeconds()
      const timestamp = stale ? now - staleBy : now
      const signed = await signOrExplain(sender, () =>
        sender.sign({
          event,
          payload: payload ?? fixturePayload(sender, event, timestamp),
          text,
          credentials,
          signedUrl,
          timestamp,
        }),
      )
      // Posted to --url, whatever URL the signature covers (--signed-url: the public one behind a proxy).
      return {
        url,
        method: 'POST',
        headers: signed.headers,
        body: mode === 'tamper' ? tamperedBody(signed.body) : signed.body,
      }
    },
  }
}

function fixturePayload(sender: Sender, event: string, timestamp: number): unknown {
  return sender.fixtures[event]!.payload(fresh(timestamp))
}

/** The event and, with --file, its payload and text. */
function whatToSend(sender: Sender, values: Values): { event: string; payload?: unknown; text?: string } {
  if (values.file === undefined) {
    const event = values.event ?? sender.defaultEvent
    if (!(event in sender.fixtures))
      throw new UsageError(
        `${sender.title} has no ready-made "${event}" event. Ready-made: ${Object.keys(sender.fixtures).join(', ')}; or pass your own payload with --file.`,
      )
    return { event }
  }
  if (values.event === undefined && sender.eventInHeader !== undefined)
    throw new UsageError(sender.eventInHeader)
  const text = readTextFile(values.file, '--file')
  let payload: unknown
  try {
    payload = JSON.parse(text)
  } catch (error) {
    throw new UsageError(`--file ${values.file} is not JSON: ${(error as Error).message}.`)
  }
  return { event: values.event ?? basename(values.file), payload, text }
}

function readCredentials(
  values: Values,
  env: NodeJS.ProcessEnv,
  fromUrl: { username?: string; password?: string },
): Credentials {
  if (values['private-key'] !== undefined && values['private-key-file'] !== undefined)
    throw new UsageError('pass --private-key or --private-key-file, not both.')
  let privateKey = values['private-key'] ?? nonEmpty(env.WEBHOOK_RECEIVER_PRIVATE_KEY)
  if (values['private-key-file'] !== undefined)
    privateKey = readTextFile(values['private-key-file'], '--private-key-file').trim()
  return {
    secret: values.secret ?? fromUrl.password ?? nonEmpty(env.WEBHOOK_RECEIVER_SECRET),
    privateKey,
    username: values.username ?? fromUrl.username,
    webhookId: values['webhook-id'],
    certUrl: values['cert-url'] === undefined ? undefined : payPalCertUrl(values['cert-url']),
  }
}

/** A PayPal receiver downloads a certificate only from its certificate URLs (payPalCertificateUrl): nothing else could verify. */
function payPalCertUrl(text: string): string {
  const url = payPalCertificateUrl(text)
  if (url === undefined)
    throw new UsageError(
      `--cert-url must be one of PayPal's certificate URLs, https://….paypal.com/v1/notifications/certs/… (receivers download PayPal certificates from nowhere else), e.g. ${PAYPAL_CLI_CERT_URL}; got "${text}".`,
    )
  return url
}

const nonEmpty = (value: string | undefined) => (value === undefined || value === '' ? undefined : value)

/**
 * The URL to post to, checked, without the credentials it may carry (fetch refuses them; Postmark's webhook URL
 * holds its Basic credentials, which become the Authorization header, as Postmark sends them).
 */
function endpoint(
  text: string,
  credentialsAllowed: boolean,
): { url: string; username?: string; password?: string } {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new UsageError(
      `--url must be an absolute http(s) URL, e.g. http://localhost:3000/webhooks; got "${text}".`,
    )
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(`--url must be an http or https URL, got ${url.protocol}.`)
  if (url.username === '' && url.password === '') return { url: url.href }
  if (!credentialsAllowed)
    throw new UsageError(
      '--url carries user:password@: only Postmark sends credentials in its URL. Remove them.',
    )
  const username = decodeURIComponent(url.username)
  const password = decodeURIComponent(url.password)
  url.username = ''
  url.password = ''
  return { url: url.href, username, password }
}

/** A signer refuses a credential in the wrong form (a SendGrid key that is not PEM): a usage error, never a trace. */
async function signOrExplain<T>(sender: Sender, sign: () => T | Promise<T>): Promise<T> {
  try {
    return await sign()
  } catch (error) {
    const detail =
      error instanceof TypeError ? error.message : 'the credential or the payload is not in the form it takes'
    throw new UsageError(`cannot sign as ${sender.title}: ${detail} Expected: ${sender.needs}.`)
  }
}

/** The URL as printed: no credentials (they were removed), no query (a signed URL's token could sit there). */
function printable(url: string): string {
  const parsed = new URL(url)
  return `${parsed.origin}${parsed.pathname}${parsed.search === '' ? '' : '?…'}`
}

function describeResult(
  number: number,
  total: number,
  result: Awaited<ReturnType<typeof post>>,
  ok: boolean,
  expectation: Expectation,
): string {
  const index = total === 1 ? '#1' : `#${number}/${total}`
  if (!('status' in result))
    return `${index}  no answer: ${result.error} (${result.milliseconds} ms)  FAILED, expected ${expectation.label}`
  const notes = [
    result.code,
    result.duplicate ? 'duplicate' : undefined,
    result.queued ? 'queued' : undefined,
  ].filter((note) => note !== undefined)
  return `${index}  ${result.status}${notes.length > 0 ? ` ${notes.join(' ')}` : ''}  ${result.milliseconds} ms  ${ok ? 'ok' : `UNEXPECTED, expected ${expectation.label}`}`
}
