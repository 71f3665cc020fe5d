import type { OrgUnitKind } from '../roles.js';

/**
 * Kumamoto City's organisation as demo data (DOMAIN.md; city code 43100). Names marked
 * there as seen on public pages are real; the others are inferred. The secretariat's own
 * division (総務局 行政管理部 改革プロジェクト推進課) is public.
 */
export interface DemoOrgUnit {
  code: string;
  nameJa: string;
  nameEn: string;
  kind: OrgUnitKind;
  parent: string | null;
}

export const CITY_CODE = 'kumamoto';

export const KUMAMOTO_ORG_UNITS: DemoOrgUnit[] = [
  { code: CITY_CODE, nameJa: '熊本市', nameEn: 'Kumamoto City', kind: 'city', parent: null },
  { code: 'seisaku', nameJa: '政策局', nameEn: 'Policy Bureau', kind: 'bureau', parent: CITY_CODE },
  { code: 'somu', nameJa: '総務局', nameEn: 'General Affairs Bureau', kind: 'bureau', parent: CITY_CODE },
  { code: 'zaisei', nameJa: '財政局', nameEn: 'Finance Bureau', kind: 'bureau', parent: CITY_CODE },
  { code: 'bunka', nameJa: '文化市民局', nameEn: 'Culture & Citizens Bureau', kind: 'bureau', parent: CITY_CODE },
  { code: 'kenko', nameJa: '健康福祉局', nameEn: 'Health & Welfare Bureau', kind: 'bureau', parent: CITY_CODE },
  { code: 'byoin', nameJa: '病院局', nameEn: 'Hospital Bureau', kind: 'bureau', parent: CITY_CODE },
  { code: 'kankyo', nameJa: '環境局', nameEn: 'Environment Bureau', kind: 'bureau', parent: CITY_CODE },
  { code: 'keizai', nameJa: '経済観光局', nameEn: 'Economy & Tourism Bureau', kind: 'bureau', parent: CITY_CODE },
  { code: 'nosui', nameJa: '農水局', nameEn: 'Agriculture & Fisheries Bureau', kind: 'bureau', parent: CITY_CODE },
  { code: 'toshi', nameJa: '都市建設局', nameEn: 'Urban Development Bureau', kind: 'bureau', parent: CITY_CODE },
  { code: 'shobo', nameJa: '消防局', nameEn: 'Fire Bureau', kind: 'bureau', parent: CITY_CODE },
  { code: 'kotsu', nameJa: '交通局', nameEn: 'Transportation Bureau', kind: 'bureau', parent: CITY_CODE },
  { code: 'jogesui', nameJa: '上下水道局', nameEn: 'Water & Sewerage Bureau', kind: 'bureau', parent: CITY_CODE },
  {
    code: 'kyoiku',
    nameJa: '教育委員会事務局',
    nameEn: 'Board of Education Secretariat',
    kind: 'bureau',
    parent: CITY_CODE,
  },
  { code: 'chuo', nameJa: '中央区', nameEn: 'Chuo Ward', kind: 'ward', parent: CITY_CODE },
  { code: 'higashi', nameJa: '東区', nameEn: 'Higashi Ward', kind: 'ward', parent: CITY_CODE },
  { code: 'nishi', nameJa: '西区', nameEn: 'Nishi Ward', kind: 'ward', parent: CITY_CODE },
  { code: 'minami', nameJa: '南区', nameEn: 'Minami Ward', kind: 'ward', parent: CITY_CODE },
  { code: 'kita', nameJa: '北区', nameEn: 'Kita Ward', kind: 'ward', parent: CITY_CODE },
  {
    code: 'somu.kaikaku',
    nameJa: '改革プロジェクト推進課',
    nameEn: 'Reform Project Promotion Division',
    kind: 'division',
    parent: 'somu',
  },
];

/** Bureaus and wards: each gets a demo editor and approver. */
export const DEMO_BUREAU_CODES = KUMAMOTO_ORG_UNITS.filter((u) => u.kind === 'bureau' || u.kind === 'ward').map(
  (u) => u.code,
);
