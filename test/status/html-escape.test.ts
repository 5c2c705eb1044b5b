import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeHtml } from '../../src/status/html-escape.js';

/** Undoes the five references, for the round-trip property. */
function unescape(text: string): string {
  return text.replace(
    /&(lt|gt|quot|#39|amp);/g,
    (_, name: string) => ({ lt: '<', gt: '>', quot: '"', '#39': "'", amp: '&' })[name]!,
  );
}

describe('escapeHtml', () => {
  it('writes a script tag as text', () => {
    expect(escapeHtml('<script>alert(1)</script>')).toBe('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('escapes both quotes, so that a value cannot leave an attribute', () => {
    expect(escapeHtml(`" onmouseover='x'`)).toBe('&quot; onmouseover=&#39;x&#39;');
  });

  it('escapes an ampersand once, also when it already starts a reference', () => {
    expect(escapeHtml('a&b &lt;')).toBe('a&amp;b &amp;lt;');
  });

  it('returns text without special characters unchanged', () => {
    expect(escapeHtml('/users/:id')).toBe('/users/:id');
  });

  it('leaves no markup character and loses nothing (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const escaped = escapeHtml(text);
        expect(escaped).not.toMatch(/[<>"']/);
        expect(unescape(escaped)).toBe(text);
      }),
    );
  });
});
