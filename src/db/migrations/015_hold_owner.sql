-- 015: a hold records the order that placed it (a points + cash redemption or a checkout payment),
-- so the ledger knows a hold is owned without reading the rewards' or checkout's tables.
alter table holds
  add column owner_kind text check (owner_kind in ('redemption', 'checkout_payment')),
  add column owner_id text,
  add constraint holds_owner_whole check ((owner_kind is null) = (owner_id is null));

update holds h set owner_kind = 'redemption', owner_id = r.id
  from redemptions r where r.program_id = h.program_id and r.hold_id = h.id;
update holds h set owner_kind = 'checkout_payment', owner_id = c.order_id
  from checkout_payments c where c.program_id = h.program_id and c.hold_id = h.id;
