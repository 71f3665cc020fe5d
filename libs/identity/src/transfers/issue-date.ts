import { isDay, type Day } from '#libs/calendar';

const ERA_START: Record<string, number> = { 令和: 2018, 平成: 1988 };

/**
 * 発令日 as personnel systems write it: `2027-04-01`, `2027/4/1` or `令和9年4月1日` (元年 too).
 * Answers the calendar day, or null when the text is none of these or no real day.
 */
export function parseIssueDate(text: string): Day | null {
  const t = text.normalize('NFKC').trim();
  let y: number, m: number, d: number;
  const western = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(t);
  const era = /^(令和|平成)(元|\d{1,2})年(\d{1,2})月(\d{1,2})日$/.exec(t);
  if (western) [y, m, d] = [Number(western[1]), Number(western[2]), Number(western[3])];
  else if (era)
    [y, m, d] = [ERA_START[era[1]] + (era[2] === '元' ? 1 : Number(era[2])), Number(era[3]), Number(era[4])];
  else return null;
  const day = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  return isDay(day) ? day : null;
}
