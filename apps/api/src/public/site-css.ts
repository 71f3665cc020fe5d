/**
 * The public site's one stylesheet, served at /public/site.css (and inlined into the page that
 * Chromium prints). System fonts with Noto Sans CJK JP first: nothing is fetched. Colours meet
 * WCAG AA contrast (JIS X 8341-3:2016 AA) on white; links are underlined.
 */
export const SITE_CSS = `
*,*::before,*::after{box-sizing:border-box}
html{font-family:"Noto Sans CJK JP","Noto Sans JP","Hiragino Sans","Yu Gothic",Meiryo,sans-serif;line-height:1.7;color:#1a1a1a;background:#fff;-webkit-text-size-adjust:100%}
body{margin:0;font-size:1rem}
a{color:#0031d8;text-decoration:underline}
a:visited{color:#5c10be}
a:focus-visible,[tabindex]:focus-visible{outline:3px solid #ffbf47;outline-offset:2px}
.skip{position:absolute;left:-9999px;top:0;background:#fff;padding:.5rem 1rem}
.skip:focus{left:.5rem;z-index:10}
header.site{background:#00285a;color:#fff;padding:.75rem 1rem}
header.site a{color:#fff}
header.site .name{margin:0;font-size:1.125rem;font-weight:700}
header.site nav ul{list-style:none;margin:.25rem 0 0;padding:0;display:flex;flex-wrap:wrap;gap:.25rem 1.25rem}
nav.crumbs{font-size:.875rem;margin:0 0 .5rem}
nav.crumbs ol{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.25rem}
nav.crumbs li+li::before{content:"›";margin-right:.25rem;color:#595959}
main{display:block;max-width:64rem;margin:0 auto;padding:1rem}
h1{font-size:1.5rem;line-height:1.4;margin:.5rem 0 1rem}
h2{font-size:1.25rem;line-height:1.4;margin:2rem 0 .75rem;border-bottom:2px solid #00285a;padding-bottom:.25rem}
h3{font-size:1.0625rem;margin:1.25rem 0 .5rem}
p,dl,ul,ol{margin:0 0 1rem}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}
dl.facts dt{font-weight:700}
dl.facts dd{margin:0}
.scroll{overflow-x:auto;max-width:100%;margin:0 0 1rem}
table{border-collapse:collapse;width:100%;font-size:.9375rem}
caption{text-align:left;font-weight:700;padding:.25rem 0}
th,td{border:1px solid #767676;padding:.375rem .5rem;text-align:left;vertical-align:top}
thead th{background:#e8f1fe}
tbody th{background:#f8f8fb;font-weight:700}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr.total th,tr.total td{font-weight:700;border-top:2px solid #1a1a1a}
.status{white-space:nowrap}
.status svg{vertical-align:-1px;margin-right:.25rem}
.muted{color:#595959}
figure{margin:0 0 1rem}
figure svg{max-width:100%;height:auto}
figcaption{font-size:.875rem;color:#595959}
.legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.25rem 1rem;font-size:.875rem}
.pager ul{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.5rem}
.pager [aria-current]{font-weight:700}
.downloads li{margin:.25rem 0}
footer.site{border-top:1px solid #767676;margin-top:2rem;padding:1rem;font-size:.875rem;color:#1a1a1a;max-width:64rem;margin-left:auto;margin-right:auto}
@media (max-width:40rem){
  h1{font-size:1.3125rem}
  th,td{padding:.25rem .375rem}
  table{font-size:.875rem}
  dl.facts{grid-template-columns:1fr}
  dl.facts dd{margin-bottom:.5rem}
}
@page{size:A4;margin:16mm 14mm 18mm;@bottom-center{content:counter(page) " / " counter(pages);font-size:9pt;color:#333}}
@media print{
  html{font-size:10pt}
  header.site nav,.skip,.noprint,nav.crumbs,.pager{display:none}
  header.site{background:none;color:#000;padding:0 0 .5rem;border-bottom:1px solid #000}
  header.site a{color:#000;text-decoration:none}
  main{max-width:none;padding:0}
  a{color:#000;text-decoration:none}
  .scroll{overflow:visible}
  table{font-size:9pt;page-break-inside:auto}
  tr{break-inside:avoid}
  thead{display:table-header-group}
  .page-break{break-before:page}
  h2{break-after:avoid}
  footer.site{margin-top:1rem;padding:.5rem 0}
}
`;
