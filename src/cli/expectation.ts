/**
 * What a correct endpoint answers in each mode of `send` (docs/cli.md, "Exit codes"), and whether an answer is it.
 */
import type { Answer } from './post.js'

export type Mode = 'send' | 'stale' | 'tamper' | 'replay'

export interface Expectation {
  /** For the summary line: `2xx`, `401 signature_invalid`, … */
  label: string
  met(answer: Answer): boolean
}

/** A refusal: the status, and the problem `code` when the endpoint names one (an endpoint of another library may not). */
const refusal = (status: number, code: string): Expectation => ({
  label: `${status} ${code}`,
  met: (answer) => answer.status === status && (answer.code === undefined || answer.code === code),
})

export const EXPECTATIONS: Readonly<Record<Mode, Expectation>> = {
  send: { label: '2xx', met: (answer) => answer.status >= 200 && answer.status < 300 },
  stale: refusal(401, 'timestamp_out_of_tolerance'),
  tamper: refusal(401, 'signature_invalid'),
  // A copy is acknowledged without running again (2xx, "duplicate" where the answer says so), or 409 while the
  // first copy still runs; a copy older than the tolerance is refused as stale, which is as right.
  replay: {
    label: '2xx or 409 (a duplicate), or 401 timestamp_out_of_tolerance',
    met: (answer) =>
      (answer.status >= 200 && answer.status < 300) ||
      answer.status === 409 ||
      (answer.status === 401 && answer.code === 'timestamp_out_of_tolerance'),
  },
}
