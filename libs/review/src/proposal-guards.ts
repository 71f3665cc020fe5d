import type { ConditionField, Guard } from '#libs/workflow';

export interface ProposalGuardContext {
  proposal: {
    id: string;
    planId: string;
    title: string;
    summary: string;
    policyId: string | null;
    expectedEffect: string;
    schedule: unknown[];
    /** 効果額 (千円), null when not given: a 専決 rule on the amount then does not apply. */
    expectedAmount: number | null;
    policyNumber: number | null;
    themeNumber: number | null;
    owningUnitCode: string;
  };
  /** Whether the proposal's inquiry, in its state, accepts proposals (its definition's `accepting_proposals` tag). */
  inquiryAccepting: boolean;
  /** The proposal named by `targetProposalId`, when given and visible to the caller. */
  mergeTarget?: { id: string; planId: string; state: string; final: boolean } | null;
  /** The meeting deciding now: given, or the one of this stage with the proposal on its agenda. */
  meeting?: { id: string; kind: string } | null;
}

/**
 * The named guards the proposal definitions may use. An input-dependent guard passes while
 * its input is absent: `requires` reports the absence, and "which actions may I take"
 * should list the action.
 */
export const PROPOSAL_GUARD_IMPLEMENTATIONS: Record<string, Guard<ProposalGuardContext>> = {
  inquiryOpen: (c) =>
    c.inquiryAccepting ? null : 'The inquiry is not open: proposals can be submitted only while it is (照会期間外)',
  requiredFieldsFilled: (c) => {
    const missing = [
      !c.proposal.title.trim() && 'title',
      !c.proposal.summary.trim() && 'summary',
      !c.proposal.policyId && 'policyNumber',
      !c.proposal.expectedEffect.trim() && 'expectedEffect',
      c.proposal.schedule.length === 0 && 'schedule',
    ].filter(Boolean);
    return missing.length === 0 ? null : `Fill in before submitting: ${missing.join(', ')}`;
  },
  mergeTargetLive: (c) => {
    if (c.mergeTarget === undefined) return null;
    if (c.mergeTarget === null) return 'The target proposal does not exist or is not visible to you';
    if (c.mergeTarget.id === c.proposal.id) return 'A proposal cannot be merged into itself';
    if (c.mergeTarget.planId !== c.proposal.planId) return 'The target proposal belongs to another plan';
    if (c.mergeTarget.final) return `The target proposal is ${c.mergeTarget.state}; merge into a live proposal`;
    return null;
  },
  councilMeeting: (c) =>
    c.meeting?.kind === 'council'
      ? null
      : 'Reporting needs a council meeting (市議会) with this proposal on its agenda, or its meetingId',
};

/** The proposal fields a 専決 rule may test (PROPOSAL_FIELDS), read from the guard context. */
export const PROPOSAL_CONDITION_FIELDS: Record<string, ConditionField<ProposalGuardContext>> = {
  expectedAmount: { kind: 'number', read: (c) => c.proposal.expectedAmount },
  policyNumber: { kind: 'number', read: (c) => c.proposal.policyNumber },
  themeNumber: { kind: 'number', read: (c) => c.proposal.themeNumber },
  owningUnit: { kind: 'string', read: (c) => c.proposal.owningUnitCode },
};
