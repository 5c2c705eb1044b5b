/**
 * The text of anything thrown, for fault messages: an `Error`'s message, anything else as a string.
 *
 * Internal module: its names are not part of the public API unless an entry exports them.
 */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
