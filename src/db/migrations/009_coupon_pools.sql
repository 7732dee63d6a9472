-- 009: uploaded coupon code pools and points + cash redemptions (SPEC §3.4).
-- Pool codes reuse coupon_codes (source 'pool', status 'available' until a redemption claims them);
-- `position` keeps the upload order, in which redemptions claim them under the reward's row lock.
alter table coupon_codes add column position bigint;

-- A points + cash redemption first holds its points (hold_id) and waits for the cash:
-- awaiting_payment → fulfilled / awaiting_shipment when paid (the capture entry becomes
-- spend_entry_id), → cancelled (the void entry is cancel_entry_id), or → payment_expired when the
-- hold timed out (stock, usage and codes returned, no entry of its own).
alter table redemptions drop constraint redemptions_status_check;
alter table redemptions add constraint redemptions_status_check check (status in
  ('awaiting_payment', 'payment_expired', 'fulfilled', 'awaiting_shipment', 'shipped', 'delivered', 'cancelled'));
alter table redemptions alter column spend_entry_id drop not null;
alter table redemptions add column hold_id text;
alter table redemptions add column cash_minor bigint check (cash_minor > 0);
alter table redemptions add column cash_currency text;
alter table redemptions add column paid_at timestamptz;
alter table redemptions add constraint redemptions_paid_or_held
  check (spend_entry_id is not null or hold_id is not null);
create index redemptions_awaiting_payment on redemptions (program_id, id) where status = 'awaiting_payment';
-- the holds API asks whether a hold belongs to a redemption before settling it
create index redemptions_by_hold on redemptions (program_id, hold_id) where hold_id is not null;
