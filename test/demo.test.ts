import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const run = promisify(execFile)

// The README's main command, run the way a newcomer runs it (the suite builds dist/ before vitest starts).
describe('npm run demo', () => {
  it('answers 200 for valid events, 401 for forged and stale ones, 200 without a second run for duplicates, TwiML for an SMS', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'demo/run.ts'], { cwd: process.cwd() })
    const rows = Object.fromEntries(
      stdout
        .split('\n')
        .filter((line) => /^\d+ /.test(line))
        .map((line) => {
          const cells = line.split(/\s{2,}/)
          return [cells[1], { status: cells[2], runs: cells[4], verdict: cells[6] }]
        }),
    )
    expect(rows['Stripe payment_intent.succeeded']).toEqual({ status: '200', runs: '1', verdict: 'ok' })
    expect(rows['GitHub issues.opened']).toEqual({ status: '200', runs: '1', verdict: 'ok' })
    expect(rows['Stripe event, forged (wrong secret)']).toEqual({ status: '401', runs: '0', verdict: 'ok' })
    expect(rows['GitHub event, forged (body changed)']).toEqual({ status: '401', runs: '0', verdict: 'ok' })
    expect(rows['Stripe event, stale (signed 10 min ago)']).toEqual({
      status: '401',
      runs: '0',
      verdict: 'ok',
    })
    expect(rows['Stripe event, duplicate of the first']).toEqual({ status: '200', runs: '0', verdict: 'ok' })
    expect(rows['Twilio SMS, answered with TwiML']).toEqual({ status: '200', runs: '1', verdict: 'ok' })
    expect(rows['SendGrid batch of 2 events']).toEqual({ status: '200', runs: '2', verdict: 'ok' })
    expect(rows['SendGrid batch, 1 duplicate + 1 new']).toEqual({ status: '200', runs: '1', verdict: 'ok' })
    expect(stdout).toMatch(/text\/xml .*<Message>Thanks! Ticket T-1234 is open\.<\/Message>/)
    // The built command, run by the demo against the same app: a valid delivery accepted, a tampered one refused.
    expect(stdout).toMatch(/npx webhook-receiver send stripe --url \S+\n.*\n +#1 {2}200 .* ok\n/)
    expect(stdout).toMatch(/--tamper\n.*\n +#1 {2}401 signature_invalid .* ok\n/)
    expect(stdout).toContain('Every outcome was the expected one.')
  })
})
