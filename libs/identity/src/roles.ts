/**
 * The roles of DOMAIN.md. A role is always granted on an organisation unit and covers that
 * unit and every unit below it; a grant on the city (the root) covers the whole city.
 */
export const ROLES = [
  'admin',
  'secretariat',
  'bureau_editor',
  'bureau_approver',
  'committee_reviewer',
  'hq_member',
  'viewer',
] as const;

export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, { ja: string; en: string }> = {
  admin: { ja: 'システム管理者', en: 'Administrator' },
  secretariat: { ja: '事務局', en: 'Secretariat' },
  bureau_editor: { ja: '局・区 担当者', en: 'Bureau editor' },
  bureau_approver: { ja: '局長・区長（承認者）', en: 'Bureau approver' },
  committee_reviewer: { ja: '推進委員会 委員', en: 'Committee reviewer' },
  hq_member: { ja: '推進本部 本部員', en: 'HQ member' },
  viewer: { ja: '閲覧者（市議会・市民）', en: 'Viewer (council, public)' },
};

export const ORG_UNIT_KINDS = ['city', 'bureau', 'ward', 'division'] as const;
export type OrgUnitKind = (typeof ORG_UNIT_KINDS)[number];
