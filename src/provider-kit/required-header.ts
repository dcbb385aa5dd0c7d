import { HeaderMissingError, SignatureMissingError } from '../errors.js'

/** The signature header's value; 401 `SignatureMissingError` naming `header` when it is absent or empty. */
export function requireSignature(value: string | undefined, header: string): string {
  if (value === undefined || value === '') throw new SignatureMissingError(header)
  return value
}

/** A header the sender always sends; 400 `HeaderMissingError` naming `header` when it is absent or empty. */
export function requireHeader(value: string | undefined, header: string): string {
  if (value === undefined || value === '') throw new HeaderMissingError(header)
  return value
}
