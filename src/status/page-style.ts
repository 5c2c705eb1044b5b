/**
 * The status page's only style sheet, sent inline in one `<style>` element and allowed by the
 * Content-Security-Policy through its SHA-256 hash (no `'unsafe-inline'`). The page uses no
 * `style` attributes: chart geometry is written as SVG attributes, which CSP does not restrict.
 *
 * Internal module: its names are not part of the public API unless an entry exports them.
 */

/** The style sheet, byte for byte as sent (its hash depends on every character). */
export const STATUS_PAGE_STYLE = /* @__PURE__ */ [
  ':root{color-scheme:light dark;--bg:#f5f6f8;--card:#fff;--text:#16191d;--muted:#49515c;--line:#d3d8df;--ok:#11622a;--ok-bg:#dff3e5;--warn:#704300;--warn-bg:#fff0c2;--bad:#9f1418;--bad-bg:#fde2e2;--none:#49515c;--none-bg:#eaedf1;--chart:#1d5bb0;--chart2:#9db6dc;--ref:#9f1418;--allowed:#4f74ad;--limited:#c2410c}',
  '@media (prefers-color-scheme:dark){:root{--bg:#101317;--card:#1a1e23;--text:#e8eaed;--muted:#adb4be;--line:#353b43;--ok:#85e0a3;--ok-bg:#12351f;--warn:#ffd27a;--warn-bg:#3b2c06;--bad:#ffa3a3;--bad-bg:#481316;--none:#adb4be;--none-bg:#2a2f36;--chart:#8ab4f8;--chart2:#44608a;--ref:#ff8f8f;--allowed:#8ab4f8;--limited:#ff9d6b}}',
  '*{box-sizing:border-box}',
  'body{margin:0;background:var(--bg);color:var(--text);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif}',
  'header,main,footer{max-width:1480px;margin:0 auto;padding:0 16px}',
  'header{padding-top:16px}footer{color:var(--muted);padding-bottom:24px}',
  'h1{font-size:1.6rem;margin:0 0 4px}h2{font-size:1.25rem;margin:0 0 4px}h3{font-size:1rem;margin:16px 0 6px}',
  'a{color:var(--chart)}p{margin:0 0 8px}.meta,.note,caption{color:var(--muted)}',
  'section{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:16px;margin:0 0 16px}',
  '.overall{display:inline-block;font-size:1.05rem;font-weight:600;padding:6px 12px;border-radius:6px;margin:4px 0 16px}',
  '.badge{display:inline-block;padding:1px 8px;border-radius:999px;font-weight:600;white-space:nowrap}',
  '.v-ok{color:var(--ok);background:var(--ok-bg)}.v-at-risk{color:var(--warn);background:var(--warn-bg)}',
  '.v-breached{color:var(--bad);background:var(--bad-bg)}.v-unjudged{color:var(--none);background:var(--none-bg)}',
  '.mark{display:inline-block;min-width:1.4em;text-align:center;border-radius:4px;font-weight:700;margin-right:4px}',
  '.sr{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}',
  '.scroll{overflow-x:auto}table{border-collapse:collapse;width:100%}caption{text-align:left;padding:0 0 8px}',
  'th,td{padding:6px 7px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}',
  'thead th{font-size:.8rem;text-transform:uppercase;letter-spacing:.03em;color:var(--muted);white-space:nowrap}',
  'tbody th{font-weight:600;overflow-wrap:anywhere;min-width:8em;max-width:22em}',
  '.fig{white-space:nowrap;font-variant-numeric:tabular-nums}.target,.reasons{display:block;color:var(--muted);font-size:.8rem}',
  '.reasons{white-space:normal;max-width:14em;margin-top:2px}.burn{display:block}.window{display:inline-block;width:2.2em;color:var(--muted);font-size:.8rem}',
  'svg{display:block}.spark{width:120px;height:36px}.bars{width:160px;height:32px}',
  '.budget{width:90px;height:8px;margin:4px 0;border-radius:2px}',
  '.budget .track{fill:var(--none-bg)}.budget .fill.v-ok{fill:var(--ok)}.budget .fill.v-at-risk{fill:var(--warn)}.budget .fill.v-breached{fill:var(--bad)}',
  'polyline,line{vector-effect:non-scaling-stroke}polyline{fill:none;stroke-linejoin:round}.mean{stroke:var(--chart);stroke-width:2}.max{stroke:var(--chart2);stroke-width:1}.power{stroke:var(--chart);stroke-width:2}',
  '.mean-last,.power-last{fill:var(--chart)}.max-last{fill:var(--chart2)}',
  '.reference{stroke:var(--ref);stroke-dasharray:4 3;stroke-width:1}',
  '.allowed{fill:var(--allowed)}.limited{fill:var(--limited)}',
  '.tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(118px,1fr));gap:10px;margin:8px 0 0}',
  '.tiles div{border:1px solid var(--line);border-radius:6px;padding:8px 10px}.tiles dt{color:var(--muted);font-size:.8rem}.tiles dd{margin:0;font-size:1.15rem;font-weight:600;overflow-wrap:anywhere}.tiles .target{font-weight:400}',
  'figure{margin:12px 0 0}.chart{width:100%;height:140px;border:1px solid var(--line);border-radius:6px}',
  '.axis{display:flex;justify-content:space-between;color:var(--muted);font-size:.8rem}',
  '.legend{color:var(--muted);font-size:.8rem}.key{display:inline-block;width:10px;height:10px;margin:0 4px 0 10px;border-radius:2px}',
  '.key.allowed{background:var(--allowed)}.key.limited{background:var(--limited)}.key.mean{background:var(--chart)}.key.max{background:var(--chart2)}.key.reference{border-top:2px dashed var(--ref);border-radius:0;height:0}',
  '@media (max-width:760px){header,main,footer{padding:0 8px}section{padding:12px 10px}',
  '.rows thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}',
  '.rows,.rows tbody,.rows tr,.rows th,.rows td{display:block;width:100%;max-width:none}',
  '.rows caption{display:block}.rows tr{border:1px solid var(--line);border-radius:6px;margin:0 0 10px;padding:4px 0}.rows th,.rows td{border:0;padding:3px 10px}',
  '.rows td{display:flex;gap:8px;align-items:baseline;flex-wrap:wrap}.rows td::before{content:attr(data-label);color:var(--muted);font-size:.8rem;min-width:7.5em}',
  '.rows .target{display:inline}.rows .reasons{flex-basis:100%;max-width:none}.spark,.bars{width:100%}}',
].join('\n');

/**
 * SHA-256 of {@link STATUS_PAGE_STYLE}, base64, as CSP `style-src` expects it. A unit test recomputes
 * it; change both together.
 */
export const STATUS_PAGE_STYLE_HASH = 'sha256-yLTCm/UbOQayhUm5YoIhRUSgRsoI+Mp5qD6l5A5ew0Y=';
