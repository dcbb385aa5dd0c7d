/**
 * Posts one delivery with fetch and reads what the endpoint answered: the status, the problem `code` of a refusal
 * (RFC 9457, docs/status-codes.md) and whether a 2xx said `duplicate`, with the time it took.
 */
import type { PostedDelivery } from './saved-delivery.js'

export interface Answer {
  status: number
  /** The problem details' `code`, when the answer is one. */
  code?: string
  /** The 2xx answer said `"duplicate": true` (this library's answer to a copy already handled). */
  duplicate?: boolean
  /** `"queued": true`: stored as a job (queue mode). */
  queued?: boolean
  milliseconds: number
}

export interface Failure {
  /** Why no answer came: the connection failed, or the timeout passed. */
  error: string
  milliseconds: number
}

/** Reads at most this much of an answer: enough for any problem details, never a whole page. */
const ANSWER_LIMIT = 64 * 1024

export async function post(delivery: PostedDelivery, timeoutMs: number): Promise<Answer | Failure> {
  const started = performance.now()
  const elapsed = () => Math.round(performance.now() - started)
  try {
    const response = await fetch(delivery.url, {
      method: delivery.method,
      headers: delivery.headers,
      body: delivery.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    })
    const text = await readLimited(response)
    const answer: Answer = { status: response.status, milliseconds: elapsed() }
    const type = response.headers.get('content-type') ?? ''
    if (/json/i.test(type)) {
      const body = parseObject(text)
      if (typeof body?.code === 'string') answer.code = body.code
      if (body?.duplicate === true) answer.duplicate = true
      if (body?.queued === true) answer.queued = true
    }
    return answer
  } catch (error) {
    return { error: describe(error, timeoutMs), milliseconds: elapsed() }
  }
}

async function readLimited(response: Response): Promise<string> {
  if (response.body === null) return ''
  const reader = response.body.getReader()
  const decoder = new TextDecoder()
  let text = ''
  for (;;) {
    const { done, value } = await reader.read()
    if (done) return text
    text += decoder.decode(value, { stream: true })
    if (text.length > ANSWER_LIMIT) {
      await reader.cancel()
      return ''
    }
  }
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text)
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

/** fetch's "fetch failed" says nothing; its cause says what (ECONNREFUSED, a DNS failure, a reset). */
function describe(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'))
    return `no answer within ${timeoutMs / 1000} s`
  const cause = (error as { cause?: unknown })?.cause
  if (cause instanceof Error) return cause.message
  return error instanceof Error ? error.message : String(error)
}
