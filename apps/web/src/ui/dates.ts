/**
 * 和暦 for people, ISO for machines: every date is shown as the API gave it plus its Japanese
 * era form, in Japan's time zone. Year 1 of an era is 元年 (Intl writes it so).
 */
const TZ = 'Asia/Tokyo';
const dayFormat = new Intl.DateTimeFormat('ja-JP-u-ca-japanese', {
  era: 'long',
  year: 'numeric',
  month: 'long',
  day: 'numeric',
  timeZone: TZ,
});
const eraYear = new Intl.DateTimeFormat('ja-JP-u-ca-japanese', { era: 'long', year: 'numeric', timeZone: TZ });
const timeFormat = new Intl.DateTimeFormat('ja-JP', { hour: '2-digit', minute: '2-digit', timeZone: TZ });
const isoDay = new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: TZ });

/** Noon in Tokyo of a calendar day, so no time zone moves it to the day before. */
const noonOf = (day: string) => new Date(`${day}T12:00:00+09:00`);

/** `2024-12-02` → 令和6年12月2日 */
export function warekiDay(day: string): string {
  return dayFormat.format(noonOf(day));
}

/** An instant → `2024-12-02 14:30`（令和6年12月2日） in Tokyo time. */
export function instantParts(instant: string): { iso: string; wareki: string; time: string } {
  const d = new Date(instant);
  return { iso: isoDay.format(d), wareki: dayFormat.format(d), time: timeFormat.format(d) };
}

/**
 * 2024 → 令和6年度. A fiscal year is named in the era in force at its end, so FY2019 (April 2019,
 * still 平成31年, to March 2020) is 令和元年度 as municipal documents write it.
 */
export function fiscalYearLabel(fiscalYear: number): string {
  const eraAt = (day: string) => {
    const parts = eraYear.formatToParts(noonOf(day));
    const year = parts.find((p) => p.type === 'year')?.value ?? '';
    return { era: parts.find((p) => p.type === 'era')?.value ?? '', year: year === '元' ? 1 : Number(year) };
  };
  const end = eraAt(`${fiscalYear + 1}-03-31`);
  // The fiscal year began a calendar year earlier; an era that began in its first three months (平成, 1989-01-08) did not name it.
  const { era, year } = end.year > 1 ? { era: end.era, year: end.year - 1 } : eraAt(`${fiscalYear}-04-01`);
  return `${era}${year === 1 ? '元' : year}年度`;
}

/** Today in Tokyo as YYYY-MM-DD. */
export function todayInTokyo(): string {
  return isoDay.format(new Date());
}

/** Today + n days in Tokyo. */
export function daysFromToday(n: number): string {
  return isoDay.format(new Date(Date.now() + n * 86_400_000));
}
