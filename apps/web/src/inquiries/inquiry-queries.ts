import { useQuery } from '@tanstack/react-query';
import { answer, api } from '../api/client';

export const useInquiry = (id: string) =>
  useQuery({
    queryKey: ['inquiries', id],
    queryFn: () => answer(api.GET('/api/v1/inquiries/{id}', { params: { path: { id } } })),
  });

export const useResponses = (id: string) =>
  useQuery({
    queryKey: ['inquiries', id, 'responses'],
    queryFn: () => answer(api.GET('/api/v1/inquiries/{id}/responses', { params: { path: { id } } })),
  });

export const useInquiries = (query: { planId?: string; state?: string } = {}) =>
  useQuery({
    queryKey: ['inquiries', 'list', query],
    queryFn: () => answer(api.GET('/api/v1/inquiries', { params: { query: { ...query, pageSize: 100 } } })),
  });
