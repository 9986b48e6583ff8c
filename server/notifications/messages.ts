// What each notification says (pure): plain-text emails built from the outbox events' data, so the
// texts read the same whether they are sent, logged, or shown on the Outbox page.
import { formatMoney } from '../lib/money';
import type { NotificationKind } from '../../db/tables/dashboard';

export interface Program {
  name: string;
  publicId: string;
  publicUrl: string;
  livemode: boolean;
}

export interface Email {
  kind: NotificationKind;
  to: string;
  subject: string;
  text: string;
}

const subject = (p: Program, s: string) => (p.livemode ? s : `[Test] ${s}`);
const portal = (p: Program) => `${p.publicUrl}/portal/${p.publicId}/login`;
const footer = (p: Program) => `\n\n--\n${p.name}'s partner program, run with Refcut.`;

export function applicationReceived(p: Program, app: { name: string; email: string; company: string | null; website: string | null; reason: string | null }, to: string): Email {
  const lines = [
    `${app.name} <${app.email}> applied to become a partner of ${p.name}.`,
    app.company ? `Company: ${app.company}` : null,
    app.website ? `Website: ${app.website}` : null,
    app.reason ? `Why: ${app.reason}` : null,
    '',
    `Approve or reject the application: ${p.publicUrl}/applications`,
  ].filter((l) => l !== null);
  return { kind: 'application_received', to, subject: subject(p, `New partner application: ${app.name}`), text: lines.join('\n') + footer(p) };
}

export function applicationApproved(p: Program, app: { name: string; email: string }, code: string, slug: string): Email {
  return {
    kind: 'application_approved',
    to: app.email,
    subject: subject(p, `You're in: welcome to the ${p.name} partner program`),
    text: `Hi ${app.name},\n\nYour application to the ${p.name} partner program was approved. Your partner code is ${code}, and your referral link is ${p.publicUrl}/r/${slug}.\n\nSign in to your partner portal to see your links, clicks and commissions: ${portal(p)}` + footer(p),
  };
}

export function applicationRejected(p: Program, app: { name: string; email: string; rejectionReason?: string | null }): Email {
  return {
    kind: 'application_rejected',
    to: app.email,
    subject: subject(p, `Your application to the ${p.name} partner program`),
    text: `Hi ${app.name},\n\nThank you for applying to the ${p.name} partner program. We are not able to accept your application at this time.${app.rejectionReason ? `\n\nReason: ${app.rejectionReason}` : ''}` + footer(p),
  };
}

export function commissionEarned(p: Program, partner: { name: string; email: string }, c: { netCommission: number; currency: string; status: string }, holdDays: number): Email {
  const amount = formatMoney(c.netCommission, c.currency);
  const when =
    c.status === 'approved'
      ? 'It is approved and will be in your next payout.'
      : holdDays === 0
        ? 'It will be in your next payout.'
        : `It becomes payable after the ${holdDays}-day holding period, unless the sale is refunded.`;
  return {
    kind: 'commission_earned',
    to: partner.email,
    subject: subject(p, `You earned ${amount} from ${p.name}`),
    text: `Hi ${partner.name},\n\nA customer you referred to ${p.name} paid, and you earned a commission of ${amount}. ${when}\n\nSee your commissions: ${portal(p)}` + footer(p),
  };
}

export function payoutSent(p: Program, partner: { name: string; email: string }, payout: { amount: number; currency: string; recipient: string; externalReference: string | null }): Email {
  const amount = formatMoney(payout.amount, payout.currency);
  return {
    kind: 'payout_sent',
    to: partner.email,
    subject: subject(p, `${p.name} sent you ${amount}`),
    text:
      `Hi ${partner.name},\n\n${p.name} sent your payout of ${amount} to ${payout.recipient}.${payout.externalReference ? ` Reference: ${payout.externalReference}.` : ''}\n\nYour statement is in your partner portal: ${portal(p)}` +
      footer(p),
  };
}
