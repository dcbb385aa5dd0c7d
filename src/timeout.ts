/**
 * A bound on how long the answer waits for a backend that may hang (a dedup store, a job queue): past it the
 * delivery is answered 503, before the sender's own deadline, instead of hanging with the backend.
 * `what` names the backend in the error, or makes the error itself when the caller has more to say.
 */
export function withinTimeout<T>(
  work: Promise<T>,
  timeoutMs: number,
  what: string | (() => Error),
): Promise<T> {
  const timeoutError =
    typeof what === 'string' ? () => new Error(`${what} did not answer within ${timeoutMs} ms`) : what
  let timer: ReturnType<typeof setTimeout> | undefined
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timeoutError()), timeoutMs)
    // The timeout only decides this answer; it must not keep a closing process alive.
    timer.unref?.()
  })
  return Promise.race([work, timedOut]).finally(() => clearTimeout(timer))
}
