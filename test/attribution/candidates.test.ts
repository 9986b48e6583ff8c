import { referralCandidates } from '../../server/attribution/candidates';

describe('where referral values are looked for', () => {
  it('follows the referral contract order: referral keys first, then aliases and extra keys', () => {
    const c = referralCandidates(
      {
        sessionClientReferenceId: 'clk_1',
        sessionMetadata: { referral: 'code-a', affiliate_id: 'alias-a' },
        subscriptionMetadata: { referral: 'code-b', fp_ref: 'extra-b' },
        paymentIntentMetadata: { referral: 'code-c' },
        customerMetadata: { referral: 'code-d', affiliate_session_id: 'alias-d' },
      },
      ['fp_ref'],
    );
    expect(c.map((x) => `${x.foundIn}=${x.value}`)).toEqual([
      'session.client_reference_id=clk_1',
      'session.metadata.referral=code-a',
      'subscription.metadata.referral=code-b',
      'payment_intent.metadata.referral=code-c',
      'customer.metadata.referral=code-d',
      'session.metadata.affiliate_id=alias-a',
      'subscription.metadata.fp_ref=extra-b',
      'customer.metadata.affiliate_session_id=alias-d',
    ]);
  });

  it('ignores empty, oversized and non-string values and de-duplicates', () => {
    const c = referralCandidates({ sessionClientReferenceId: '  ', sessionMetadata: { referral: 'x'.repeat(201) }, subscriptionMetadata: { referral: 'jane' }, customerMetadata: { referral: 'jane' } });
    expect(c).toEqual([{ value: 'jane', foundIn: 'subscription.metadata.referral' }]);
    expect(referralCandidates({})).toEqual([]);
  });
});
