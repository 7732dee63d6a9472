-- 017: a points + cash redemption records when its payment is due (its hold's time-out), so a read
-- can tell an unpaid order whose time ran out without reading the ledger's holds or writing: reads
-- answer it as payment_expired at once, and the hold time-out sweep settles it.
alter table redemptions add column payment_due_at timestamptz;
update redemptions r set payment_due_at = h.expires_at
  from holds h where h.program_id = r.program_id and h.id = r.hold_id;
create index redemptions_payment_due on redemptions (program_id, payment_due_at) where status = 'awaiting_payment';
