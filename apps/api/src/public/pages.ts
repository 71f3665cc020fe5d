import type {
  PublicIndicatorListResponse,
  PublicInitiativeListResponse,
  PublicInitiativeResponse,
  PublicLicence,
  PublicOpenDataColumn,
  PublicOpenDataResponse,
  PublicPlanListResponse,
  PublicPlanResponse,
  PublicRollupResponse,
  PublicScaleEntry,
  PublicStatus,
} from '#libs/tracking';
import { html, SafeHtml } from './html.js';
import { SITE_CSS } from './site-css.js';

// The citizens' pages (市民向けの公開ページ), rendered on the server from the public answers
// only (public-projection.ts): no script, no cookie, nothing from another origin. Plain
// Japanese, tables with captions and header cells, charts as SVG beside the same numbers.

export const SITE_NAME = '市役所改革の進捗（公開ページ）';
const PUBLIC = '/public';
const API = '/api/v1/public';

const num = (n: number | null | undefined, unit = '') =>
  n === null || n === undefined ? '—' : `${n.toLocaleString('ja-JP')}${unit}`;
const planUrl = (code: string) => `${PUBLIC}/plans/${encodeURIComponent(code)}`;
const yearUrl = (plan: string, year: number) => `${planUrl(plan)}/years/${year}`;
const initiativeUrl = (plan: string, code: string) => `${planUrl(plan)}/initiatives/${encodeURIComponent(code)}`;
export const openDataUrl = (plan: string, year: number, format: 'csv' | 'json') =>
  `${API}/plans/${encodeURIComponent(plan)}/open-data/${year}?format=${format}`;

interface Layout {
  title: string;
  crumbs?: Array<{ href: string; label: string }>;
  licence: PublicLicence;
  /** The printed report carries its stylesheet (Chromium prints it from a file). */
  inlineCss?: boolean;
}

export function page(layout: Layout, body: SafeHtml): string {
  const crumbs = layout.crumbs?.length
    ? html`<nav class="crumbs" aria-label="現在位置">
        <ol>
          ${layout.crumbs.map((c) => html`<li><a href="${c.href}">${c.label}</a></li>`)}
          <li aria-current="page">${layout.title}</li>
        </ol>
      </nav>`
    : '';
  const style = layout.inlineCss
    ? html`<style>
        ${new SafeHtml(SITE_CSS)}
      </style>`
    : html`<link rel="stylesheet" href="${PUBLIC}/site.css" />`;
  return `<!doctype html>\n${
    html`<html lang="ja">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${layout.title}｜${SITE_NAME}</title>
        ${style}
      </head>
      <body>
        <a class="skip" href="#main">本文へ移動</a>
        <header class="site">
          <p class="name"><a href="${PUBLIC}">${SITE_NAME}</a></p>
          <nav aria-label="サイト内">
            <ul>
              <li><a href="${PUBLIC}">計画の一覧</a></li>
              <li><a href="${PUBLIC}/open-data">オープンデータ</a></li>
            </ul>
          </nav>
        </header>
        <main id="main">
          ${crumbs}
          <h1>${layout.title}</h1>
          ${body}
        </main>
        <footer class="site">
          <p>掲載している内容は、市議会に報告したもの又は確定した進捗のみです。</p>
          <p>
            データの利用条件：<a href="${layout.licence.url}">${layout.licence.name}</a
            >。このページはCookieを使わず、閲覧の記録（アクセス解析）も行っていません。
          </p>
        </footer>
      </body>
    </html>`.text
  }\n`;
}

function swatch(colour: string): SafeHtml {
  return html`<svg width="12" height="12" viewBox="0 0 12 12" aria-hidden="true" focusable="false">
    <rect width="12" height="12" fill="${colour}" />
  </svg>`;
}

function statusCell(status: PublicStatus | null): SafeHtml {
  return status
    ? html`<span class="status">${swatch(status.colour)}${status.labelJa}</span>`
    : html`<span class="muted">未確定</span>`;
}

function scroll(label: string, table: SafeHtml): SafeHtml {
  return html`<div class="scroll" role="region" aria-label="${label}" tabindex="0">${table}</div>`;
}

/** Horizontal stacked bars, one per row, in the scale's colours; the table beside it has the numbers. */
function bars(
  label: string,
  scale: PublicScaleEntry[],
  rows: Array<{ label: string; counts: Record<string, number>; total: number }>,
): SafeHtml {
  const max = Math.max(1, ...rows.map((r) => r.total));
  const labelWidth = 150;
  const width = 640;
  const barWidth = width - labelWidth - 60;
  const rowHeight = 30;
  const height = rows.length * rowHeight + 10;
  const drawn = rows.map((r, i) => {
    let x = labelWidth;
    const y = 5 + i * rowHeight;
    const parts = scale.map((s) => {
      const w = ((r.counts[s.code] ?? 0) / max) * barWidth;
      const rect = html`<rect x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="20" fill="${s.colour}" />`;
      x += w;
      return rect;
    });
    const name = r.label.length > 11 ? `${r.label.slice(0, 10)}…` : r.label;
    return html`<text x="${labelWidth - 6}" y="${y + 15}" text-anchor="end" font-size="13" fill="#1a1a1a">${name}</text
      >${parts}<text x="${(x + 6).toFixed(1)}" y="${y + 15}" font-size="13" fill="#1a1a1a">${r.total}</text>`;
  });
  return html`<figure>
    <svg
      role="img"
      aria-label="${label}（グラフ。数値は表のとおり）"
      viewBox="0 0 ${width} ${height}"
      width="${width}"
      height="${height}"
    >
      ${drawn}
    </svg>
    <figcaption>
      ${label}。${scale.map((s) => s.labelJa).join('・')}の件数を色分けしています（数値は表をご覧ください）。
    </figcaption>
    <ul class="legend">
      ${scale.map((s) => html`<li>${swatch(s.colour)}${s.labelJa}</li>`)}
    </ul>
  </figure>`;
}

function countsTable(
  caption: string,
  head: string,
  scale: PublicScaleEntry[],
  rows: Array<{ label: SafeHtml | string; counts: Record<string, number>; total: number }>,
  totals?: { counts: Record<string, number>; total: number },
): SafeHtml {
  return scroll(
    caption,
    html`<table>
      <caption>
        ${caption}
      </caption>
      <thead>
        <tr>
          <th scope="col">${head}</th>
          ${scale.map((s) => html`<th scope="col" class="num">${s.labelJa}</th>`)}
          <th scope="col" class="num">合計</th>
        </tr>
      </thead>
      <tbody>
        ${rows.map(
          (r) =>
            html`<tr>
              <th scope="row">${r.label}</th>
              ${scale.map((s) => html`<td class="num">${num(r.counts[s.code] ?? 0)}</td>`)}
              <td class="num">${num(r.total)}</td>
            </tr>`,
        )}
        ${
          totals
            ? html`<tr class="total">
                <th scope="row">合計</th>
                ${scale.map((s) => html`<td class="num">${num(totals.counts[s.code] ?? 0)}</td>`)}
                <td class="num">${num(totals.total)}</td>
              </tr>`
            : ''
        }
      </tbody>
    </table>`,
  );
}

export function plansPage(plans: PublicPlanListResponse, licence: PublicLicence): string {
  return page(
    { title: '市役所改革プランの進捗', licence },
    html`<p>市役所改革プランの取組と、その進捗状況、検証指標を公開しています。計画を選んでください。</p>
      <ul>
        ${plans.items.map((p) => html`<li><a href="${planUrl(p.code)}">${p.name}</a>（${p.periodLabel}）</li>`)}
      </ul>
      <p>同じ内容を<a href="${PUBLIC}/open-data">オープンデータ</a>（CSV・JSON）でも提供しています。</p>`,
  );
}

export function planPage(plan: PublicPlanResponse, licence: PublicLicence): string {
  const crumbs = [{ href: PUBLIC, label: '計画の一覧' }];
  const years = plan.years;
  return page(
    { title: plan.name, crumbs, licence },
    html`<dl class="facts">
        <dt>計画期間</dt>
        <dd>${plan.periodLabel}</dd>
        ${
          plan.mission
            ? html`<dt>ミッション</dt>
                <dd>${plan.mission}</dd>`
            : ''
        }${
          plan.vision
            ? html`<dt>ビジョン</dt>
                <dd>${plan.vision}</dd>`
            : ''
        }${
          plan.values
            ? html`<dt>バリュー</dt>
                <dd>${plan.values}</dd>`
            : ''
        }
      </dl>
      <h2>改革の方針</h2>
      <ol>
        ${plan.policies.map(
          (p) =>
            html`<li>
              <strong>方針${p.number}　${p.title}</strong>${p.description ? html`<br />${p.description}` : ''}${
                p.themes.length
                  ? html`<ul>
                      ${p.themes.map((t) => html`<li>${t.title}</li>`)}
                    </ul>`
                  : ''
              }
            </li>`,
        )}
      </ol>
      <h2>年度ごとの進捗状況</h2>
      ${
        years.length
          ? html`${countsTable(
              '年度ごとの取組の進捗状況（件数）',
              '年度',
              plan.scale,
              years.map((y) => ({
                label: html`<a href="${yearUrl(plan.code, y.fiscalYear)}">${y.fiscalYearLabel}</a>`,
                counts: y.totals,
                total: y.total,
              })),
            )}${bars(
              '年度ごとの進捗状況',
              plan.scale,
              years.map((y) => ({ label: y.fiscalYearLabel, counts: y.totals, total: y.total })),
            )}`
          : html`<p>確定した進捗はまだありません。</p>`
      }
      <h2>検証指標</h2>
      <p><a href="${planUrl(plan.code)}/indicators">検証指標（基準値・実績・目標値）を見る</a></p>
      <h2>オープンデータ</h2>
      ${
        years.length
          ? html`<ul class="downloads">
              ${years.map((y) => html`<li>${y.fiscalYearLabel}：<a href="${openDataUrl(plan.code, y.fiscalYear, 'csv')}" download>CSV</a>・<a href="${openDataUrl(plan.code, y.fiscalYear, 'json')}">JSON</a></li>`)}
            </ul>`
          : html`<p>まだありません。</p>`
      }
      <p>列の説明と利用条件は<a href="${PUBLIC}/open-data">オープンデータのページ</a>にあります。</p>`,
  );
}

function pager(base: string, list: PublicInitiativeListResponse): SafeHtml {
  const pages = Math.max(1, Math.ceil(list.total / list.pageSize));
  if (pages === 1) return html``;
  return html`<nav class="pager" aria-label="取組一覧のページ">
    <ul>
      ${Array.from({ length: pages }, (_, i) => i + 1).map((n) =>
        n === list.page
          ? html`<li><a href="${base}?page=${n}#initiatives" aria-current="page">${n}ページ</a></li>`
          : html`<li><a href="${base}?page=${n}#initiatives">${n}ページ</a></li>`,
      )}
    </ul>
  </nav>`;
}

export function yearPage(
  plan: PublicPlanResponse,
  rollup: PublicRollupResponse,
  list: PublicInitiativeListResponse,
  licence: PublicLicence,
): string {
  const crumbs = [
    { href: PUBLIC, label: '計画の一覧' },
    { href: planUrl(plan.code), label: plan.name },
  ];
  const base = yearUrl(plan.code, rollup.fiscalYear);
  const first = (list.page - 1) * list.pageSize + 1;
  const last = Math.min(list.total, list.page * list.pageSize);
  return page(
    { title: `${rollup.fiscalYearLabel}の進捗状況`, crumbs, licence },
    html`<p>${plan.name}の${rollup.fiscalYearLabel}の取組 ${num(rollup.total)}件の進捗状況です（確定したもの）。</p>
      <h2>方針ごとの進捗状況</h2>
      ${countsTable(
        `${rollup.fiscalYearLabel} 方針ごとの取組の進捗状況（件数）`,
        '方針',
        rollup.scale,
        rollup.byPolicy.map((r) => ({
          label: r.number === null ? r.title : `方針${r.number}　${r.title}`,
          counts: r.counts,
          total: r.total,
        })),
        { counts: rollup.totals, total: rollup.total },
      )}
      ${bars(
        `${rollup.fiscalYearLabel} 方針ごとの進捗状況`,
        rollup.scale,
        rollup.byPolicy.map((r) => ({
          label: r.number === null ? r.title : `方針${r.number}`,
          counts: r.counts,
          total: r.total,
        })),
      )}
      <h2>局・区ごとの進捗状況</h2>
      ${countsTable(
        `${rollup.fiscalYearLabel} 局・区ごとの取組の進捗状況（件数）`,
        '局・区',
        rollup.scale,
        rollup.byUnit.map((r) => ({ label: r.nameJa, counts: r.counts, total: r.total })),
        { counts: rollup.totals, total: rollup.total },
      )}
      <h2 id="initiatives">取組の一覧</h2>
      <p>${num(list.total)}件のうち ${first}～${last}件目</p>
      ${scroll(
        '取組の一覧',
        html`<table>
          <caption>
            ${rollup.fiscalYearLabel}の取組と進捗状況
          </caption>
          <thead>
            <tr>
              <th scope="col">取組番号</th>
              <th scope="col">取組名</th>
              <th scope="col">方針</th>
              <th scope="col">所管</th>
              <th scope="col">進捗状況</th>
            </tr>
          </thead>
          <tbody>
            ${list.items.map(
              (i) =>
                html`<tr>
                  <td>${i.code}</td>
                  <td><a href="${initiativeUrl(plan.code, i.code)}">${i.title}</a></td>
                  <td>${i.policy ? `方針${i.policy.number}` : '—'}</td>
                  <td>${i.owningUnit.nameJa}</td>
                  <td>${statusCell(i.status)}</td>
                </tr>`,
            )}
          </tbody>
        </table>`,
      )}
      ${pager(base, list)}
      <h2>ダウンロード</h2>
      <ul class="downloads">
        <li>
          <a href="${openDataUrl(plan.code, rollup.fiscalYear, 'csv')}" download
            >${rollup.fiscalYearLabel}の取組の進捗（CSV）</a
          >
        </li>
        <li>
          <a href="${openDataUrl(plan.code, rollup.fiscalYear, 'json')}"
            >${rollup.fiscalYearLabel}の取組の進捗（JSON）</a
          >
        </li>
        <li><a href="${base}/report">市議会への報告（印刷用のページ）</a></li>
        <li><a href="${base}/report.pdf">市議会への報告（PDF、A4）</a></li>
      </ul>`,
  );
}

export function initiativePage(plan: PublicPlanResponse, i: PublicInitiativeResponse, licence: PublicLicence): string {
  const crumbs = [
    { href: PUBLIC, label: '計画の一覧' },
    { href: planUrl(plan.code), label: plan.name },
  ];
  return page(
    { title: i.title, crumbs, licence },
    html`<dl class="facts">
        <dt>取組番号</dt>
        <dd>${i.code}</dd>
        <dt>方針</dt>
        <dd>${i.policy ? `方針${i.policy.number}　${i.policy.title}` : '—'}</dd>
        ${
          i.theme
            ? html`<dt>テーマ</dt>
                <dd>${i.theme.title}</dd>`
            : ''
        }
        <dt>所管</dt>
        <dd>${i.owningUnit.nameJa}</dd>
        ${
          i.collaboratingUnits.length
            ? html`<dt>連携</dt>
                <dd>${i.collaboratingUnits.map((u) => u.nameJa).join('、')}</dd>`
            : ''
        }
        ${
          i.reportedAt
            ? html`<dt>市議会への報告</dt>
                <dd>${formatDate(i.reportedAt)}</dd>`
            : ''
        }
      </dl>
      ${
        i.summary
          ? html`<h2>取組の概要</h2>
              <p>${i.summary}</p>`
          : ''
      }
      <h2>年次計画</h2>
      ${
        i.schedule.length
          ? scroll(
              '年次計画',
              html`<table>
                <caption>
                  年度ごとの計画
                </caption>
                <thead>
                  <tr>
                    <th scope="col">年度</th>
                    <th scope="col">内容</th>
                  </tr>
                </thead>
                <tbody>
                  ${i.schedule.map(
                    (s) =>
                      html`<tr>
                        <th scope="row">${s.fiscalYearLabel}</th>
                        <td>${s.step}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>`,
            )
          : html`<p>年次計画は登録されていません。</p>`
      }
      <h2>進捗の経過</h2>
      ${
        i.history.length
          ? scroll(
              '進捗の経過',
              html`<table>
                <caption>
                  確定した進捗状況（年度ごと）
                </caption>
                <thead>
                  <tr>
                    <th scope="col">年度</th>
                    <th scope="col">進捗状況</th>
                    <th scope="col">理由</th>
                    <th scope="col">取組の内容</th>
                    <th scope="col" class="num">計画効果額</th>
                    <th scope="col" class="num">実績効果額</th>
                  </tr>
                </thead>
                <tbody>
                  ${i.history.map(
                    (h) =>
                      html`<tr>
                        <th scope="row">${h.fiscalYearLabel}${h.period === 'midyear' ? '（中間）' : ''}</th>
                        <td>${statusCell(h.status)}</td>
                        <td>${h.reason || '—'}</td>
                        <td>${h.narrative || '—'}</td>
                        <td class="num">${num(h.plannedAmount, '千円')}</td>
                        <td class="num">${num(h.actualAmount, '千円')}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>`,
            )
          : html`<p>確定した進捗はまだありません。</p>`
      }
      ${
        i.relatedIndicators.length
          ? html`<h2>関連する検証指標</h2>
              <ul>
                ${i.relatedIndicators.map((x) => html`<li><a href="${planUrl(plan.code)}/indicators#${x.code}">${x.name}</a></li>`)}
              </ul>`
          : ''
      }`,
  );
}

const DIRECTION_JA: Record<string, string> = {
  higher_better: '高いほどよい',
  lower_better: '低いほどよい',
  ceiling: '上限（目標値以下を保つ）',
};

function indicatorTable(list: PublicIndicatorListResponse, heading: 'h2' | 'h3'): SafeHtml {
  return html`${list.items.map((x) => {
    const unit = x.unit;
    const fmt = (v: number) =>
      `${v.toLocaleString('ja-JP', { minimumFractionDigits: x.decimals, maximumFractionDigits: x.decimals })}${unit}`;
    const title = heading === 'h2' ? html`<h2 id="${x.code}">${x.name}</h2>` : html`<h3 id="${x.code}">${x.name}</h3>`;
    return html`${title}
      ${scroll(
        x.name,
        html`<table>
          <caption>
            ${x.name}（${DIRECTION_JA[x.direction] ?? x.direction}）
          </caption>
          <thead>
            <tr>
              <th scope="col">区分</th>
              <th scope="col">年度</th>
              <th scope="col" class="num">値</th>
            </tr>
          </thead>
          <tbody>
            <tr>
              <th scope="row">基準値</th>
              <td>${x.baseline.label}</td>
              <td class="num">${fmt(x.baseline.value)}</td>
            </tr>
            ${x.measurements
              .filter((m) => m.fiscalYear !== x.baseline.fiscalYear)
              .map(
                (m) =>
                  html`<tr>
                    <th scope="row">実績</th>
                    <td>${m.label}</td>
                    <td class="num">${fmt(m.value)}</td>
                  </tr>`,
              )}
            <tr>
              <th scope="row">目標値</th>
              <td>${x.target.label}</td>
              <td class="num">${fmt(x.target.value)}</td>
            </tr>
          </tbody>
        </table>`,
      )}
      <p>
        達成率：${x.achievementRate === null ? '—' : `${x.achievementRate.toLocaleString('ja-JP', { maximumFractionDigits: 1 })}％`}　評価：${x.grade}
      </p>`;
  })}`;
}

export function indicatorsPage(
  plan: PublicPlanResponse,
  list: PublicIndicatorListResponse,
  licence: PublicLicence,
): string {
  const crumbs = [
    { href: PUBLIC, label: '計画の一覧' },
    { href: planUrl(plan.code), label: plan.name },
  ];
  return page(
    { title: '検証指標', crumbs, licence },
    html`<p>
        ${plan.name}の検証指標です。評価は
        S：目標を達成、A：基準値より改善、B：基準値から大きな変化なし、C：基準値より悪化、−：測定できない、を表します。
      </p>
      ${indicatorTable(list, 'h2')}`,
  );
}

export function openDataPage(
  plans: PublicPlanResponse[],
  columns: readonly PublicOpenDataColumn[],
  licence: PublicLicence,
): string {
  return page(
    { title: 'オープンデータ', crumbs: [{ href: PUBLIC, label: '計画の一覧' }], licence },
    html`<p>
        計画ごと・年度ごとに、取組とその確定した進捗状況を CSV（UTF-8、BOM付き）と JSON で提供しています。同じデータは
        API（<code>${API}/…</code>、仕様は <a href="/docs-json">OpenAPI 文書</a>）からも取得できます。
      </p>
      <h2>利用条件</h2>
      <p>${licence.notice}</p>
      <p><a href="${licence.url}">${licence.name}</a></p>
      <h2>ダウンロード</h2>
      ${plans.map(
        (p) =>
          html`<h3>${p.name}</h3>
            ${
              p.years.length
                ? html`<ul class="downloads">
                    ${p.years.map((y) => html`<li>${y.fiscalYearLabel}：<a href="${openDataUrl(p.code, y.fiscalYear, 'csv')}" download>CSV</a>・<a href="${openDataUrl(p.code, y.fiscalYear, 'json')}">JSON</a></li>`)}
                  </ul>`
                : html`<p>まだありません。</p>`
            }`,
      )}
      <h2>列の定義</h2>
      ${scroll(
        '列の定義',
        html`<table>
          <caption>
            CSV の列（JSON では key の名前）
          </caption>
          <thead>
            <tr>
              <th scope="col">列名</th>
              <th scope="col">key</th>
              <th scope="col">型</th>
              <th scope="col">説明</th>
            </tr>
          </thead>
          <tbody>
            ${columns.map(
              (c) =>
                html`<tr>
                  <th scope="row">${c.header}</th>
                  <td><code>${c.key}</code></td>
                  <td>${c.type === 'integer' ? '整数' : '文字列'}</td>
                  <td>${c.description}</td>
                </tr>`,
            )}
          </tbody>
        </table>`,
      )}`,
  );
}

/**
 * The council report (市議会報告) as a printable page: on page 1 the plan's own form (方針ごとの
 * 計画通り進捗 / 一部変更・遅れ / 合計), then every initiative's status by policy, then the KPIs.
 */
export function reportPage(
  plan: PublicPlanResponse,
  rollup: PublicRollupResponse,
  rows: PublicOpenDataResponse['rows'],
  indicators: PublicIndicatorListResponse,
  licence: PublicLicence,
  options: { inlineCss?: boolean } = {},
): string {
  const crumbs = [
    { href: PUBLIC, label: '計画の一覧' },
    { href: planUrl(plan.code), label: plan.name },
    { href: yearUrl(plan.code, rollup.fiscalYear), label: rollup.fiscalYearLabel },
  ];
  const byPolicy = plan.policies.map((p) => ({ policy: p, items: rows.filter((r) => r.policyNumber === p.number) }));
  const status = (code: string | null) => rollup.scale.find((s) => s.code === code) ?? null;
  return page(
    { title: `市役所改革の取組状況（${rollup.fiscalYearLabel}）`, crumbs, licence, inlineCss: options.inlineCss },
    html`<p>${plan.name}（${plan.periodLabel}）　${rollup.fiscalYearLabel}末の取組の進捗状況</p>
      <p class="noprint">
        <a href="${yearUrl(plan.code, rollup.fiscalYear)}/report.pdf">PDF（A4）でダウンロード</a
        >・印刷はブラウザの印刷機能をお使いください。
      </p>
      <h2>方針ごとの進捗状況</h2>
      ${countsTable(
        `${rollup.fiscalYearLabel} 取組の進捗状況（件数）`,
        '方針',
        rollup.scale,
        rollup.byPolicy.map((r) => ({
          label: r.number === null ? r.title : `方針${r.number}　${r.title}`,
          counts: r.counts,
          total: r.total,
        })),
        { counts: rollup.totals, total: rollup.total },
      )}
      <p>
        取組項目
        ${num(rollup.total)}件のうち、${rollup.scale.map((s) => `${s.labelJa} ${num(rollup.totals[s.code] ?? 0)}件`).join('、')}。
      </p>
      <div class="page-break"></div>
      <h2>取組ごとの進捗状況</h2>
      ${byPolicy.map(
        (g) =>
          html`<h3>方針${g.policy.number}　${g.policy.title}</h3>
            ${scroll(
              `方針${g.policy.number}の取組`,
              html`<table>
                <caption>
                  方針${g.policy.number}の取組（${g.items.length}件）
                </caption>
                <thead>
                  <tr>
                    <th scope="col">取組番号</th>
                    <th scope="col">取組名</th>
                    <th scope="col">所管</th>
                    <th scope="col">進捗状況</th>
                  </tr>
                </thead>
                <tbody>
                  ${g.items.map(
                    (i) =>
                      html`<tr>
                        <td>${i.code}</td>
                        <td>${i.title}</td>
                        <td>${i.unitName}</td>
                        <td>${statusCell(status(i.statusCode))}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>`,
            )}`,
      )}
      <div class="page-break"></div>
      <h2>検証指標</h2>
      ${indicatorTable(indicators, 'h3')}`,
  );
}

function formatDate(iso: string): string {
  return new Intl.DateTimeFormat('ja-JP-u-ca-japanese', {
    era: 'long',
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    timeZone: 'Asia/Tokyo',
  }).format(new Date(iso));
}
