import { useQuery } from '@tanstack/react-query';
import { answer, api } from '../api/client';

/** The signed-in person: user, roles (grants on units) and own unit. */
export function useMe({ enabled = true }: { enabled?: boolean } = {}) {
  return useQuery({ queryKey: ['me'], queryFn: () => answer(api.GET('/api/v1/me')), staleTime: 60_000, enabled });
}

type Grant = { role: string; orgUnit: { id: string; code: string; nameJa: string } };

/** Roles the person holds anywhere (what the pages offer; the server decides per record). */
export function rolesOf(me: { grants?: Grant[] } | undefined): Set<string> {
  return new Set((me?.grants ?? []).map((g) => g.role));
}

export const ROLE_LABELS: Record<string, string> = {
  admin: 'システム管理者',
  secretariat: '事務局',
  bureau_editor: '局・区 担当者',
  bureau_approver: '局・区 承認者',
  committee_reviewer: '推進委員会 委員',
  hq_member: '推進本部 本部員',
  viewer: '閲覧者',
};
