import type { Queryable } from '../db/database.ts';
import type { SmtpSender } from '../notifications/channels/smtp-sender.ts';
import { claimNoticeMails, recordNoticeMail } from '../staff/staff-notices.ts';

/**
 * Mails the staff notices that wait for it (checkers asked to approve, makers told of a decision)
 * to staff who sign in with an e-mail address; serve runs it on its sweep beat when SMTP is
 * configured. A failed send is retried with back-off (staff-notices.ts: `recordNoticeMail`).
 * Answers how many were sent.
 */
export async function mailStaffNotices(db: Queryable, sender: SmtpSender, now: Date): Promise<number> {
  const due = await claimNoticeMails(db, now);
  let sent = 0;
  for (const mail of due) {
    const outcome = await sender.send({
      to: mail.to,
      subject: `[Jifen] ${mail.text.length > 90 ? `${mail.text.slice(0, 89)}…` : mail.text}`,
      text: `${mail.text}\n\nYour notices: GET /v1/auth/notices; the requests: GET /v1/approvals.`,
      messageId: mail.id,
    });
    await recordNoticeMail(db, mail, outcome, now);
    if (outcome.ok) sent += 1;
  }
  return sent;
}
