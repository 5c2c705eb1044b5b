/**
 * HTML escaping for text and attribute values of the status page. Every value that reaches the page
 * passes through {@link escapeHtml}: endpoint names come from requests.
 */

const SPECIAL = /[&<>"']/;
const SPECIAL_GLOBAL = /[&<>"']/g;
const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Escapes `&`, `<`, `>`, `"` and `'`, so that the result is inert as HTML or SVG text and inside a
 * quoted attribute value.
 *
 * @param text - any string
 * @returns the string with those five characters replaced by character references
 * @example
 * ```ts
 * escapeHtml('<script>alert(1)</script>'); // '&lt;script&gt;alert(1)&lt;/script&gt;'
 * ```
 */
export function escapeHtml(text: string): string {
  return SPECIAL.test(text)
    ? text.replace(SPECIAL_GLOBAL, (character) => ENTITIES[character]!)
    : text;
}
