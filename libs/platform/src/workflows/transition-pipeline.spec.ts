import { describe, expect, it } from '@jest/globals';
import { refusalError } from './transition-pipeline.js';

describe('refusalError: the one mapping of a refused decision to the API’s answer', () => {
  it('names the vetoing guard, for every subject alike', () => {
    const error = refusalError({ ok: false, reason: 'guard', detail: 'The inquiry is not open', guard: 'inquiryOpen' });
    expect(error).toMatchObject({
      code: 'TRANSITION_NOT_ALLOWED',
      status: 409,
      detail: 'The inquiry is not open',
      extensions: { guard: 'inquiryOpen' },
    });
  });

  it('answers a missing input as a field error, an unknown action as a bad action, a missing role as forbidden', () => {
    expect(
      refusalError({ ok: false, reason: 'missing_input', detail: 'needs comment', missing: ['comment'] }),
    ).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ field: 'comment', message: 'is required for this action' }],
    });
    expect(refusalError({ ok: false, reason: 'unknown_action', detail: 'no action "x"' })).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ field: 'action' }],
    });
    expect(refusalError({ ok: false, reason: 'not_allowed', detail: 'needs a role' })).toMatchObject({
      code: 'FORBIDDEN',
      status: 403,
    });
    expect(refusalError({ ok: false, reason: 'not_from_this_state', detail: 'final' })).toMatchObject({
      code: 'TRANSITION_NOT_ALLOWED',
      extensions: {},
    });
  });
});
