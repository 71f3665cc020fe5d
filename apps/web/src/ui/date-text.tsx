import { fiscalYearLabel, instantParts, warekiDay } from './dates';

// Each part of a date keeps to one line (令和8年 / 12月 / 3日 split over three lines in a narrow
// table column is unreadable); a line may break between the parts (day, time, Gregorian day).
const PART = 'whitespace-nowrap';
const GREGORIAN = `${PART} text-solid-gray-600 text-dns-14N-130`;

/** A calendar day as the API gave it, with its 和暦 beside it. */
export function DateText({ value }: { value: string | null | undefined }) {
  if (!value) return <span>—</span>;
  return (
    <span>
      <time dateTime={value} className={PART}>
        {warekiDay(value)}
      </time>
      <span className={GREGORIAN}>（{value}）</span>
    </span>
  );
}

/** An instant, in Tokyo time: 令和6年12月2日 14:30 (2024-12-02). */
export function InstantText({ value }: { value: string | null | undefined }) {
  if (!value) return <span>—</span>;
  const p = instantParts(value);
  return (
    <time dateTime={value}>
      <span className={PART}>{p.wareki}</span> <span className={PART}>{p.time}</span>
      <span className={GREGORIAN}>（{p.iso}）</span>
    </time>
  );
}

/** 2024 → 令和6年度（2024年度）; the API's own label wins when it gives one. */
export function FiscalYearText({ year, label }: { year: number; label?: string }) {
  return (
    <span>
      <span className={PART}>{label ?? fiscalYearLabel(year)}</span>
      <span className={GREGORIAN}>（{year}年度）</span>
    </span>
  );
}
