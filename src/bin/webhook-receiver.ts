#!/usr/bin/env node
/**
 * `npx webhook-receiver …`: the package's command (src/cli/main.ts). Exits with the command's code once its output
 * is flushed, and without waiting for connections it leaves open (a queue server that never answered).
 */
import { main } from '../cli/main.js'

const code = await main(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
})
process.exitCode = code
// Let stdout drain (a pipe is asynchronous), then exit even if a client still holds a socket.
process.stdout.write('', () => process.exit(code))
