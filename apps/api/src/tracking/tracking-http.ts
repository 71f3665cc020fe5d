import type { Principal } from '#libs/identity';

/** The media types tracking's imports take and its reports answer in. */
export const CSV_TYPE = 'text/csv';
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Who acts, as the tracking services record it in the audit log. */
export const actorOf = (p: Principal) => ({ id: p.id, username: p.user.username });
