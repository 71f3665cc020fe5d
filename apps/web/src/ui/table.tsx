import { useEffect, useRef, useState, type ReactNode } from 'react';

/**
 * Whether a box is narrower than its content: a table that scrolls sideways (on a phone) must
 * be reachable by keyboard, and one that does not should not add a stop to the Tab order.
 */
function useOverflows<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  const [overflows, setOverflows] = useState(false);
  useEffect(() => {
    const box = ref.current;
    if (!box) return;
    const measure = () => setOverflows(box.scrollWidth > box.clientWidth + 1);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(box);
    if (box.firstElementChild) observer.observe(box.firstElementChild);
    return () => observer.disconnect();
  }, []);
  return [ref, overflows] as const;
}

/**
 * A caption as wide as the scrolling box, not as the table, and held at its left edge: on a phone
 * a long caption wraps instead of being cut off at the box's edge and scrolling away with the
 * columns. (The box is a size container, `@container`, so that `cqw` measures it.)
 */
export const CAPTION = 'sticky left-0 mb-2 max-w-[100cqw] text-left text-std-18B-160';

export interface Column<T> {
  header: string;
  cell: (row: T) => ReactNode;
  className?: string;
}

/**
 * A plain data table with a caption (its accessible name) and row headers in the first column.
 * On a narrow screen it scrolls sideways inside its own box, which must then be reachable by
 * keyboard: the box is focusable and named by the caption.
 */
export function DataTable<T>({
  caption,
  columns,
  rows,
  rowKey,
  empty = '該当するものはありません。',
  rowClassName,
}: {
  caption: string;
  columns: Array<Column<T>>;
  rows: T[];
  rowKey: (row: T) => string;
  empty?: string;
  rowClassName?: (row: T) => string;
}) {
  const [box, overflows] = useOverflows<HTMLDivElement>();
  return (
    <div
      ref={box}
      className="@container w-full overflow-x-auto rounded-4 focus-visible:outline-4 focus-visible:outline-offset-2 focus-visible:outline-black"
      {...(overflows ? { tabIndex: 0, role: 'region', 'aria-label': `${caption}（横にスクロールできます）` } : {})}
    >
      <table className="w-full border-collapse text-left text-dns-16N-130">
        <caption className={CAPTION}>{caption}</caption>
        <thead>
          <tr className="border-b-2 border-solid-gray-800 bg-solid-gray-50">
            {columns.map((c) => (
              <th key={c.header} scope="col" className={`px-3 py-2 text-dns-16B-130 ${c.className ?? ''}`}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td colSpan={columns.length} className="px-3 py-4 text-solid-gray-700">
                {empty}
              </td>
            </tr>
          ) : (
            rows.map((row) => (
              <tr key={rowKey(row)} className={`border-b border-solid-gray-200 ${rowClassName?.(row) ?? ''}`}>
                {columns.map((c, i) =>
                  i === 0 ? (
                    <th key={c.header} scope="row" className={`px-3 py-2 text-left font-normal ${c.className ?? ''}`}>
                      {c.cell(row)}
                    </th>
                  ) : (
                    <td key={c.header} className={`px-3 py-2 ${c.className ?? ''}`}>
                      {c.cell(row)}
                    </td>
                  ),
                )}
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}
