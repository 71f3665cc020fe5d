import { useQuery } from '@tanstack/react-query';
import { answer, api } from '../api/client';

/** One query key per resource: ['proposals', id, …]; a transition invalidates ['proposals']. */
export const useProposal = (id: string) =>
  useQuery({
    queryKey: ['proposals', id],
    queryFn: () => answer(api.GET('/api/v1/proposals/{id}', { params: { path: { id } } })),
  });

export const useProposalActions = (id: string) =>
  useQuery({
    queryKey: ['proposals', id, 'actions'],
    queryFn: () => answer(api.GET('/api/v1/proposals/{id}/actions', { params: { path: { id } } })),
  });

export const useProposalHistory = (id: string) =>
  useQuery({
    queryKey: ['proposals', id, 'history'],
    queryFn: () => answer(api.GET('/api/v1/proposals/{id}/history', { params: { path: { id } } })),
  });

export const useProposalRevisions = (id: string) =>
  useQuery({
    queryKey: ['proposals', id, 'revisions'],
    queryFn: () => answer(api.GET('/api/v1/proposals/{id}/revisions', { params: { path: { id } } })),
  });

export const FIELD_LABELS: Record<string, string> = {
  inquiryId: '全庁照会',
  owningUnit: '提案元',
  title: '件名',
  summary: '概要',
  policyNumber: '方針',
  themeNumber: '想定テーマ',
  policyId: '方針',
  themeId: '想定テーマ',
  collaboratingUnitIds: '連携する局・区',
  expectedEffect: '期待される効果',
  expectedAmount: '効果額（千円）',
  schedule: '年度別スケジュール',
  collaboratingUnits: '連携する局・区',
  relatedIndicators: '関連する検証指標',
  comment: 'コメント',
  targetProposalId: '統合先の提案',
  meetingId: '会議',
};
