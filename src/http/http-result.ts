/** A framework-free HTTP response that adapters translate to their framework's. */
export interface HttpResult {
  /** Status code. */
  readonly status: number;
  /** Header fields. */
  readonly headers: Readonly<Record<string, string>>;
  /** Body text (JSON, Prometheus text or HTML, as `headers['Content-Type']` says). */
  readonly body: string;
}

/** JSON content type used by every JSON response. */
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** Builds a JSON response that is never cached. @internal */
export function jsonResult(status: number, value: unknown): HttpResult {
  return {
    status,
    headers: { 'Content-Type': JSON_CONTENT_TYPE, 'Cache-Control': 'no-store' },
    body: JSON.stringify(value),
  };
}
