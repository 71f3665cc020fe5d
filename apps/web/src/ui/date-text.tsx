import { fiscalYearLabel, instantParts, warekiDay } from './dates';

/** A calendar day as the API gave it, with its 和暦 beside it. */
export function DateText({ value }: { value: string | null | undefined }) {
  if (!value) return <span>—</span>;
  return (
    <span>
      <time dateTime={value}>{warekiDay(value)}</time>
      <span className="text-solid-gray-600 text-dns-14N-130">（{value}）</span>
    </span>
  );
}

/** An instant, in Tokyo time: 令和6年12月2日 14:30 (2024-12-02). */
export function InstantText({ value }: { value: string | null | undefined }) {
  if (!value) return <span>—</span>;
  const p = instantParts(value);
  return (
    <time dateTime={value}>
      {p.wareki} {p.time}
      <span className="text-solid-gray-600 text-dns-14N-130">（{p.iso}）</span>
    </time>
  );
}

/** 2024 → 令和6年度（2024年度）; the API's own label wins when it gives one. */
export function FiscalYearText({ year, label }: { year: number; label?: string }) {
  return (
    <span>
      {label ?? fiscalYearLabel(year)}
      <span className="text-solid-gray-600 text-dns-14N-130">（{year}年度）</span>
    </span>
  );
}
