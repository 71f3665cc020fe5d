/**
 * A notification's link names the API resource (`…/api/v1/proposals/<id>`); its page has the
 * same path without the API prefix. Anything else opens the page it names, on this origin.
 */
export function pageOf(link: string | null | undefined): string | null {
  if (!link) return null;
  let path: string;
  try {
    path = new URL(link, location.origin).pathname;
  } catch {
    return null;
  }
  return path.replace(/^\/api\/v1/, '') || '/';
}

/** The page of a deadline's subject. */
export function subjectPage(subject: { type: string; id: string }): string | null {
  const area: Record<string, string> = {
    inquiry: 'inquiries',
    proposal: 'proposals',
    meeting: 'meetings',
    initiative: 'initiatives',
  };
  return area[subject.type] ? `/${area[subject.type]}/${subject.id}` : null;
}
