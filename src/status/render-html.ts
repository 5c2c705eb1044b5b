/**
 * The status page as one HTML document: inline style, inline SVG, no script and no external
 * resource, so that it works offline and under {@link STATUS_PAGE_CONTENT_SECURITY_POLICY}.
 */
import { formatUtc } from './format.js';
import { escapeHtml } from './html-escape.js';
import { STATUS_PAGE_STYLE, STATUS_PAGE_STYLE_HASH } from './page-style.js';
import { energySection } from './render-energy.js';
import { limitsSection } from './render-limits.js';
import { characterReference, sloSection, type RowCache } from './render-slo.js';
import { storeBreakerSection } from './render-store-breaker.js';
import type { StatusSnapshot } from './types.js';
import { VERDICT_LABELS, type Verdict } from './verdict.js';

/**
 * The Content-Security-Policy sent with the HTML page: nothing may load or run except the page's
 * own style sheet, allowed by its hash; `data:` images only (the empty icon); no framing, no forms,
 * no base URL.
 *
 * @defaultValue `default-src 'none'; style-src 'sha256-…'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`
 */
export const STATUS_PAGE_CONTENT_SECURITY_POLICY =
  /* @__PURE__ */ contentSecurityPolicy(STATUS_PAGE_STYLE_HASH);

/** The policy for a style sheet of hash `styleHash`; a call marked pure, so that bundles without the status page drop it. */
function contentSecurityPolicy(styleHash: string): string {
  return `default-src 'none'; style-src '${styleHash}'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;
}

const COUNT_WORDS: readonly [Verdict, string][] = [
  ['breached', 'breached'],
  ['at-risk', 'at risk'],
  ['ok', 'OK'],
  ['unjudged', 'without objectives'],
];

function overallLine(snapshot: StatusSnapshot): string {
  const { text, icon } = VERDICT_LABELS[snapshot.verdict];
  const total = snapshot.endpoints?.length ?? 0;
  const counts = COUNT_WORDS.filter(([verdict]) => snapshot.verdictCounts[verdict] > 0)
    .map(([verdict, word]) => `${snapshot.verdictCounts[verdict]} ${word}`)
    .join(', ');
  const detail =
    total === 0 ? 'no endpoints yet' : `${total} endpoint${total === 1 ? '' : 's'}: ${counts}`;
  return `<p class="overall v-${snapshot.verdict}" role="status"><span aria-hidden="true">${characterReference(icon)}</span> ${text} \u00B7 ${detail}</p>`;
}

function head(snapshot: StatusSnapshot): string {
  const refresh =
    snapshot.refreshSeconds > 0
      ? `<meta http-equiv="refresh" content="${snapshot.refreshSeconds}">`
      : '';
  const title = `${VERDICT_LABELS[snapshot.verdict].text} \u00B7 ${snapshot.title}`;
  return (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">' +
    `${refresh}<meta name="color-scheme" content="light dark"><meta name="robots" content="noindex"><title>${escapeHtml(title)}</title>` +
    `<link rel="icon" href="data:,"><style>${STATUS_PAGE_STYLE}</style></head>`
  );
}

/**
 * Renders a snapshot as the status page's HTML document. Every value from the snapshot is escaped.
 *
 * @param snapshot - what to show, as {@link StatusPage.snapshot} returns it
 * @returns a complete HTML document, to be sent with {@link STATUS_PAGE_CONTENT_SECURITY_POLICY}
 */
export function renderStatusHtml(snapshot: StatusSnapshot): string {
  return renderDocument(snapshot);
}

/** The document, reusing rows of unchanged endpoints from `rows`. @internal */
export function renderDocument(snapshot: StatusSnapshot, rows?: RowCache): string {
  const refresh =
    snapshot.refreshSeconds > 0 ? ` \u00B7 refreshes every ${snapshot.refreshSeconds}\u00A0s` : '';
  return (
    `${head(snapshot)}<body><header><h1>${escapeHtml(snapshot.title)}</h1>` +
    `<p class="meta">Updated <time datetime="${escapeHtml(snapshot.generatedAt)}">${formatUtc(snapshot.generatedAtMs)}</time>${refresh} \u00B7 <a href="?format=json">JSON</a></p>` +
    `${overallLine(snapshot)}</header><main>${sloSection(snapshot, rows)}${energySection(snapshot)}${limitsSection(snapshot)}${storeBreakerSection(snapshot)}</main>` +
    '<footer><p>Served by greenslo.</p></footer></body></html>'
  );
}
