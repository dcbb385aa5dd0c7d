/** Several rounds of one measurement, summarised: the median is what is reported, min–max shows the noise. */
export interface Spread {
  median: number
  min: number
  max: number
}

export function spread(values: readonly number[]): Spread {
  if (values.length === 0) throw new Error('spread() of no values')
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  const median =
    sorted.length % 2 === 1
      ? (sorted[middle] as number)
      : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2
  return { median, min: sorted[0] as number, max: sorted[sorted.length - 1] as number }
}

/** `1.04× (0.98–1.10)`: a ratio with its spread over the rounds. */
export function formatRatio(ratio: Spread, digits = 2): string {
  return `${ratio.median.toFixed(digits)}× (${ratio.min.toFixed(digits)}–${ratio.max.toFixed(digits)})`
}

/** Thousands separators for counts and rates: 12,345. */
export function formatCount(value: number): string {
  return Math.round(value).toLocaleString('en-US')
}

/** `1 KiB`, `256 KiB`. */
export function formatSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${bytes / 1024 / 1024} MiB` : `${bytes / 1024} KiB`
}

/** Nanoseconds as `12.3 µs` or `850 ns`. */
export function formatNs(ns: number): string {
  return ns >= 10_000
    ? `${(ns / 1000).toFixed(1)} µs`
    : ns >= 1000
      ? `${(ns / 1000).toFixed(2)} µs`
      : `${ns.toFixed(0)} ns`
}
