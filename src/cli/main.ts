/**
 * The `webhook-receiver` command (docs/cli.md): reads the command name and hands the rest to it. Every UsageError
 * exits 2 with its message; an unexpected failure exits 1 with its message alone, never a stack trace.
 */
import { fixtures, FIXTURES_HELP } from './fixtures-command.js'
import { keygen, KEYGEN_HELP } from './keygen.js'
import { createOutput, type Output } from './output.js'
import { ConnectionError, deadLetters, DEAD_LETTERS_HELP, replay, REPLAY_HELP } from './queue-commands.js'
import { send, SEND_HELP } from './send.js'
import { UsageError } from './usage-error.js'

export const HELP = `Usage: webhook-receiver <command> [options]

Commands:
  send <provider>     sign deliveries as the provider does and post them to your endpoint; check that it refuses
                      stale, tampered and replayed ones (--stale, --tamper, --replay-of)
  fixtures            the ready-made events of each provider, and their payloads
  keygen <provider>   a key pair for the senders that sign with a private key (Discord, PayPal, SendGrid,
                      Standard Webhooks)
  dead-letters        list the dead letters of the app's queue (queue mode, BullMQ)
  replay <id>         run a dead-lettered event again

\`webhook-receiver <command> --help\` describes each one.
`

const COMMANDS: Record<
  string,
  { run: (args: string[], output: Output) => number | Promise<number>; help: string }
> = {
  send: { run: (args, output) => send(args, output, process.env), help: SEND_HELP },
  fixtures: { run: fixtures, help: FIXTURES_HELP },
  keygen: { run: keygen, help: KEYGEN_HELP },
  'dead-letters': { run: deadLetters, help: DEAD_LETTERS_HELP },
  replay: { run: replay, help: REPLAY_HELP },
}

/** Runs the command line `args` (without `node` and the script); resolves to the exit code. */
export async function main(
  args: string[],
  write: { out(text: string): void; err(text: string): void },
): Promise<number> {
  const output = createOutput(write)
  const [name, ...rest] = args
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? rest[0] : undefined
    output.out(topic !== undefined && topic in COMMANDS ? COMMANDS[topic]!.help : HELP)
    return 0
  }
  const command = COMMANDS[name]
  if (command === undefined) {
    output.err(
      `webhook-receiver: unknown command "${name}". Commands: ${Object.keys(COMMANDS).join(', ')} (see --help).`,
    )
    return 2
  }
  try {
    return await command.run(rest, output)
  } catch (error) {
    if (error instanceof UsageError) {
      output.err(`webhook-receiver ${name}: ${error.message}`)
      return 2
    }
    const message = error instanceof Error ? error.message : String(error)
    output.err(`webhook-receiver ${name}: ${error instanceof ConnectionError ? '' : 'failed: '}${message}`)
    return 1
  }
}
