import { useQuery } from '@tanstack/react-query';
import { answer, api } from '../api/client';

export const MEETING_KINDS: Record<string, string> = { committee: '推進委員会', hq: '推進本部会議', council: '市議会' };

/**
 * The stage a proposal must be at to go on each kind of meeting's agenda — the server's rule
 * (libs/review AGENDA_STAGE), mirrored to offer only proposals it would accept; it still checks.
 */
export const AGENDA_STAGE: Record<string, string> = {
  committee: 'committee_review',
  hq: 'hq_review',
  council: 'adopted',
};

export const useMeeting = (id: string) =>
  useQuery({
    queryKey: ['meetings', id],
    queryFn: () => answer(api.GET('/api/v1/meetings/{id}', { params: { path: { id } } })),
  });

export const useMeetings = (query: { kind?: 'committee' | 'hq' | 'council'; planId?: string }) =>
  useQuery({
    queryKey: ['meetings', 'list', query],
    queryFn: () => answer(api.GET('/api/v1/meetings', { params: { query: { ...query, pageSize: 100 } } })),
  });
