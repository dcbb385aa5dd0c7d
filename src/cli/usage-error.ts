/**
 * A command line that cannot run as written: the CLI prints its message (which says how to fix it) and exits 2.
 */
export class UsageError extends Error {
  override name = 'UsageError'
}
