/**
 * Route keys: the path of a request URL, as the guards match it against the rate-limit rules.
 */

const SLASH = 0x2f;
const QUESTION_MARK = 0x3f;
const HASH = 0x23;

/**
 * The path of a request URL, without query or fragment. Request URLs are already parsed and
 * serialized (dot segments resolved), so the path is the text from the first `/` after the
 * authority up to `?` or `#`; anything unusual goes through `URL`.
 *
 * @param url - an absolute URL, as `Request.url` gives it
 * @returns the path, such as `/users/42`
 * @throws TypeError when the URL cannot be parsed
 * @example
 * ```ts
 * pathOfUrl('http://localhost:3000/users/42?tab=1'); // '/users/42'
 * ```
 */
export function pathOfUrl(url: string): string {
  const authority = url.indexOf('://');
  let start = authority === -1 ? url.length : authority + 3;
  while (start < url.length && !isPathEnd(url.charCodeAt(start)) && url.charCodeAt(start) !== SLASH)
    start += 1;
  if (start === url.length || url.charCodeAt(start) !== SLASH) return new URL(url).pathname;
  let end = start + 1;
  while (end < url.length && !isPathEnd(url.charCodeAt(end))) end += 1;
  return url.slice(start, end);
}

function isPathEnd(code: number): boolean {
  return code === QUESTION_MARK || code === HASH;
}
