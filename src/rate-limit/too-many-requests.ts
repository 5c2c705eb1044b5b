/**
 * The 429 Too Many Requests response of a limited request.
 */
import {
  describeValue,
  nonEmptyString,
  nonNegativeNumber,
  optionsObject,
  positiveNumber,
} from '../core/validate.js';

const OWNER = 'create429Response';
/** The largest `Retry-After` written: 12 digits (about 31,700 years), so that it is always a plain integer. */
const MAX_RETRY_AFTER_SECONDS = 999_999_999_999;

/**
 * Window used in the 429 message unless told otherwise: one minute.
 *
 * @defaultValue 60
 */
export const DEFAULT_WINDOW_SECONDS = 60;

/** Input of {@link create429Response}. */
export interface TooManyRequestsOptions {
  /** Seconds until the client may retry; rounded up to whole seconds, at most 999,999,999,999. */
  readonly retryAfterSeconds: number;
  /** Requests allowed per window, as shown to the client. */
  readonly limit: number;
  /** The endpoint that was limited (`/embed/multimodal`). */
  readonly endpoint: string;
  /** The window of `limit` in seconds; defaults to {@link DEFAULT_WINDOW_SECONDS}. */
  readonly windowSeconds?: number;
  /** Prefix of the message (`brAInwav` gives `"brAInwav: Rate limit exceeded ..."`). */
  readonly brand?: string;
}

/** The JSON body of a 429 response. */
export interface TooManyRequestsBody {
  /** What went wrong. */
  readonly error: {
    /** Always `'rate_limit_exceeded'`. */
    readonly code: 'rate_limit_exceeded';
    /** For people: `"Rate limit exceeded for /embed/multimodal. Max 60 requests per minute."`. */
    readonly message: string;
    /** The endpoint that was limited. */
    readonly endpoint: string;
    /** Requests allowed per window. */
    readonly limit: number;
  };
  /** Whole seconds until the client may retry (the `Retry-After` value). */
  readonly retry_after: number;
}

/** A 429 response, framework-free: send `body` as JSON with `headers`. */
export interface TooManyRequestsResponse {
  /** Always 429. */
  readonly status: 429;
  /** `Content-Type` and `Retry-After`; add `getRateLimitHeaders(...)` for the rate-limit fields. */
  readonly headers: Readonly<Record<string, string>>;
  /** The JSON body. */
  readonly body: TooManyRequestsBody;
}

/**
 * Builds the 429 response of a limited request. `JSON.stringify(body)` is exactly
 * `{"error":{"code":"rate_limit_exceeded","message":"Rate limit exceeded for /embed/multimodal. Max 60 requests per minute.","endpoint":"/embed/multimodal","limit":60},"retry_after":23}`.
 *
 * The window reads "per second", "per minute", "per hour" or "per day" for 1, 60, 3600 and 86400
 * seconds, and "per N seconds" otherwise; a limit of 1 reads "1 request".
 *
 * @param options - retry delay, limit, endpoint, window and brand
 * @throws TypeError when an option has the wrong type or an option key is unknown
 * @throws RangeError when `retryAfterSeconds` is negative, `limit` or `windowSeconds` is not > 0, or
 *   a number is not finite
 * @example
 * ```ts
 * const { status, headers, body } = create429Response({ retryAfterSeconds: 23, limit: 60, endpoint: '/embed/multimodal', brand: 'brAInwav' });
 * body.error.message; // 'brAInwav: Rate limit exceeded for /embed/multimodal. Max 60 requests per minute.'
 * ```
 */
export function create429Response(options: TooManyRequestsOptions): TooManyRequestsResponse {
  optionsObject(OWNER, options, [
    'retryAfterSeconds',
    'limit',
    'endpoint',
    'windowSeconds',
    'brand',
  ]);
  return tooManyRequests({
    retryAfterSeconds: nonNegativeNumber(OWNER, 'retryAfterSeconds', options.retryAfterSeconds),
    limit: positiveNumber(OWNER, 'limit', options.limit),
    endpoint: nonEmptyString(OWNER, 'endpoint', options.endpoint),
    windowSeconds: positiveNumber(
      OWNER,
      'windowSeconds',
      options.windowSeconds ?? DEFAULT_WINDOW_SECONDS,
    ),
    brand: options.brand === undefined ? undefined : nonEmptyString(OWNER, 'brand', options.brand),
  });
}

/**
 * {@link create429Response} of options already checked (the guards check theirs when they are
 * made, and the rule's figures when the rule is).
 *
 * @internal
 */
export function tooManyRequests(
  options: Omit<TooManyRequestsOptions, 'brand'> & { readonly brand: string | undefined },
): TooManyRequestsResponse {
  const { limit, endpoint, brand } = options;
  const retryAfter = Math.min(Math.ceil(options.retryAfterSeconds), MAX_RETRY_AFTER_SECONDS);
  const requests = limit === 1 ? 'request' : 'requests';
  const window = windowText(options.windowSeconds ?? DEFAULT_WINDOW_SECONDS);
  const message = `${brand === undefined ? '' : `${brand}: `}Rate limit exceeded for ${endpoint}. Max ${limit} ${requests} per ${window}.`;
  return {
    status: 429,
    headers: {
      'Content-Type': 'application/json; charset=utf-8',
      'Retry-After': String(retryAfter),
    },
    body: {
      error: { code: 'rate_limit_exceeded', message, endpoint, limit },
      retry_after: retryAfter,
    },
  };
}

const NAMED_WINDOWS: ReadonlyMap<number, string> = new Map([
  [1, 'second'],
  [60, 'minute'],
  [3600, 'hour'],
  [86_400, 'day'],
]);

function windowText(windowSeconds: number): string {
  return NAMED_WINDOWS.get(windowSeconds) ?? `${describeValue(windowSeconds)} seconds`;
}
