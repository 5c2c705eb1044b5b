/**
 * The response of a refused request: the seed's JSON 429, or the guard's `limitedResponse` hook's,
 * with the rate-limit fields and `Retry-After` in either case.
 */
import { fail } from '../core/validate.js';
import type {
  EndpointDecision,
  ResolvedRateLimitRule,
} from '../rate-limit/endpoint-rate-limiter.js';
import { tooManyRequests } from '../rate-limit/too-many-requests.js';
import type { LimitedResponseInit } from './guard-options.js';
import { JSON_CONTENT_TYPE } from './http-result.js';

const OWNER = 'limitedResponse';
const MS_PER_SECOND = 1000;
const TEXT_CONTENT_TYPE = 'text/plain; charset=utf-8';

/** A refused request's response, ready to send: the body is text already. */
export interface LimitedResponse {
  /** Always `false`: answer with this response instead of running the application. */
  readonly allowed: false;
  /** The status: 429 unless `limitedResponse` chose another. */
  readonly status: number;
  /** Header fields: `Content-Type`, `Retry-After` and the rate-limit fields. */
  readonly headers: Readonly<Record<string, string>>;
  /** The body text (JSON unless `limitedResponse` returned a string). */
  readonly body: string;
}

/**
 * The seed's 429 of a refused decision whose figures the guard has checked.
 *
 * @param decision - the refusal
 * @param endpoint - the path named in the message
 * @param brand - the message's prefix, if any, checked when the guard was made
 * @internal
 */
export function defaultLimitedResponse(
  decision: EndpointDecision,
  endpoint: string,
  brand: string | undefined,
): LimitedResponseInit {
  const rule = decision.rule.rule as ResolvedRateLimitRule;
  // The message states the sustained rate ("Max 60 requests per minute"), not the burst.
  const response = tooManyRequests({
    retryAfterSeconds: decision.retryAfterMs / MS_PER_SECOND,
    limit: rule.rate,
    endpoint,
    windowSeconds: rule.perSeconds,
    brand,
  });
  return {
    status: response.status,
    headers: response.headers,
    body: JSON.stringify(response.body),
  };
}

/**
 * Merges a response init with the guard's fields: its headers override the guard's, except
 * `Retry-After`; a string body is sent as it is, anything else as JSON.
 *
 * @param init - the response to send
 * @param fields - the guard's rate-limit fields, `Retry-After` included
 * @throws TypeError when `init` is not `{ status, headers?, body }` with a status from 200 to 599
 * @internal
 */
export function limitedResponse(
  init: LimitedResponseInit,
  fields: Readonly<Record<string, string>>,
): LimitedResponse {
  const { status, headers, body } = (init ?? {}) as Partial<LimitedResponseInit>;
  if (!(Number.isInteger(status) && status! >= 200 && status! <= 599))
    fail(TypeError, OWNER, 'status', 'an integer from 200 to 599', status);
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  if (typeof text !== 'string') fail(TypeError, OWNER, 'body', 'a string or a JSON value', body);
  const merged: Record<string, string> = {
    'Content-Type': typeof body === 'string' ? TEXT_CONTENT_TYPE : JSON_CONTENT_TYPE,
    ...fields,
  };
  for (const name in headers) {
    const value = headers[name];
    const keep = name.toLowerCase() === 'retry-after' && fields['Retry-After'] !== undefined;
    if (typeof value === 'string' && !keep) setField(merged, name, value);
  }
  return { allowed: false, status: status!, headers: merged, body: text };
}

/** Sets a field, replacing one of the same name in another case. */
function setField(headers: Record<string, string>, name: string, value: string): void {
  const lower = name.toLowerCase();
  for (const existing in headers)
    if (existing !== name && existing.toLowerCase() === lower) delete headers[existing];
  headers[name] = value;
}
