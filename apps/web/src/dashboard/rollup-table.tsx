import { CAPTION } from '../ui/table';
import { ScrollBox } from './scroll-box';
import type { RollupView } from './tracking-types';

/**
 * A roll-up in the plan's own form: one row per policy (or bureau), one column per status of
 * the plan's scale, 合計 at the right and at the bottom.
 */
export function RollupTable({
  rollup,
  caption,
  rowHeader,
}: {
  rollup: RollupView;
  caption: string;
  rowHeader: string;
}) {
  const rows = rollup.rows ?? [];
  // Narrower padding and headers on a phone: the four columns of the plan's form (with 合計) fit
  // a 375 px screen without scrolling sideways.
  const pad = 'px-2 py-2 sm:px-3';
  const head = `${pad} text-dns-14B-120 sm:text-dns-16B-130`;
  const cell = `${pad} text-right tabular-nums`;
  return (
    <ScrollBox label={caption}>
      <table className="w-full border-collapse text-left text-dns-16N-130">
        <caption className={CAPTION}>{caption}</caption>
        <thead>
          <tr className="border-b-2 border-solid-gray-800 bg-solid-gray-50">
            <th scope="col" className={head}>
              {rowHeader}
            </th>
            {rollup.scale.map((s) => (
              <th key={s.code} scope="col" className={`${head} text-right`}>
                <span
                  aria-hidden="true"
                  className="mr-1 inline-block size-3 rounded-full align-middle"
                  style={{ backgroundColor: s.colour }}
                />
                {s.labelJa}
              </th>
            ))}
            <th scope="col" className={`${head} text-right`}>
              合計
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td colSpan={rollup.scale.length + 2} className="px-3 py-4 text-solid-gray-700">
                この年度の確定した進捗はまだありません。
              </td>
            </tr>
          ) : (
            rows.map((r) => (
              <tr key={r.key.id ?? 'none'} className="border-b border-solid-gray-200">
                <th scope="row" className={`${pad} font-normal`}>
                  {rowLabel(r.key, rowHeader)}
                </th>
                {rollup.scale.map((s) => (
                  <td key={s.code} className={cell}>
                    {r.counts[s.code] ?? 0}
                  </td>
                ))}
                <td className={`${cell} font-bold`}>{r.total}</td>
              </tr>
            ))
          )}
        </tbody>
        <tfoot>
          <tr className="border-t-2 border-solid-gray-800 bg-solid-gray-50 font-bold">
            <th scope="row" className={pad}>
              合計
            </th>
            {rollup.scale.map((s) => (
              <td key={s.code} className={cell}>
                {rollup.totals[s.code] ?? 0}
              </td>
            ))}
            <td className={cell}>{rollup.total}</td>
          </tr>
        </tfoot>
      </table>
    </ScrollBox>
  );
}

/** 方針1 行政サービスの最適化 for a policy; the unit's own name for a bureau. */
export function rowLabel(key: { code: string; label: string }, rowHeader: string): string {
  return rowHeader === '方針' && /^\d+$/.test(key.code) ? `方針${key.code} ${key.label}` : key.label;
}
