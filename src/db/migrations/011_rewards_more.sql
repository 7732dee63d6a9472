-- 011: more of the catalogue and checkout (SPEC §3.4): lucky draws as catalogue entries, coupon
-- codes marked used at the till, operator search, and the checkout rules a payment was authorized
-- under.

-- A reward of type lucky_draw is a way into a draw (details.drawId): redeeming it plays the draw.
alter table rewards drop constraint rewards_type_check;
alter table rewards add constraint rewards_type_check
  check (type in ('goods', 'coupon', 'voucher', 'privilege', 'lucky_draw'));

-- A code the merchant's till accepted is 'used' (once): when, and for which order at which store.
alter table coupon_codes drop constraint coupon_codes_status_check;
alter table coupon_codes add constraint coupon_codes_status_check
  check (status in ('available', 'issued', 'used', 'voided'));
alter table coupon_codes add column used_at timestamptz;
alter table coupon_codes add column used_order_id text;
alter table coupon_codes add column used_store text;
alter table coupon_codes add constraint coupon_codes_used_at check ((status = 'used') = (used_at is not null));

-- The minimum and step in force when the points were authorized: a partial capture keeps to them
-- even if the settings change meanwhile. Payments authorized before this migration had none.
alter table checkout_payments add column min_points bigint not null default 0 check (min_points >= 0);
alter table checkout_payments add column step_points bigint not null default 1 check (step_points >= 1);

-- Operators search redemptions by creation time.
create index redemptions_created on redemptions (program_id, created_at, id);
