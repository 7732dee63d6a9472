-- 019: an internal member key (issue 13). Every table was keyed by the merchant's member id, which is
-- often personal data (a phone number as the member number) and which merchants sometimes need to
-- change (merged accounts). Members now have a key of Jifen's own (`mbr_` + 10 characters of time +
-- 16 random ones, Crockford base32, never derived from the merchant's id) that every other table
-- references; the merchant's id is kept on the member row only, unique per program. So a member id
-- is changed by updating one row (the journal is not touched), and erasing the link erases it.
-- Each table gets its key from its member, then its keys, foreign keys and indexes are rebuilt on
-- it (same column order, same predicates and INCLUDEs), then its member id column is dropped.

-- Members: the key from the row's creation time and randomness, laid out as the application makes
-- new ones (`members/member-key.ts`, `shared/ids.ts`: the 48 bits of milliseconds in 10 characters,
-- then 16 random ones), so keys sort by creation and new members' rows go to the end of the indexes.
alter table members add column member_key text;
update members set member_key = 'mbr_'
    || (select string_agg(substr('0123456789abcdefghjkmnpqrstvwxyz',
                                 ((((extract(epoch from created_at) * 1000)::int8 << 2) >> (45 - 5 * i)) & 31)::int + 1,
                                 1),
                          '' order by i)
          from generate_series(0, 9) as i)
    || substr(md5(gen_random_uuid()::text), 1, 16);
alter table members alter column member_key set not null;

-- Fill every other table from its member, while the merchant's id can still be joined on.
alter table lots add column member_key text;
update lots t set member_key = m.member_key from members m
 where m.program_id = t.program_id and m.member_id = t.member_id;

alter table entries add column member_key text, add column counterparty_member_key text;
update entries t set member_key = m.member_key from members m
 where m.program_id = t.program_id and m.member_id = t.member_id;
update entries t set counterparty_member_key = m.member_key from members m
 where m.program_id = t.program_id and m.member_id = t.counterparty_member_id;

alter table holds add column member_key text;
update holds t set member_key = m.member_key from members m
 where m.program_id = t.program_id and m.member_id = t.member_id;

alter table events add column member_key text;
update events t set member_key = m.member_key from members m
 where m.program_id = t.program_id and m.member_id = t.member_id;

alter table orders add column member_key text;
update orders t set member_key = m.member_key from members m
 where m.program_id = t.program_id and m.member_id = t.member_id;

alter table rule_member_usage add column member_key text;
update rule_member_usage t set member_key = m.member_key from members m
 where m.program_id = t.program_id and m.member_id = t.member_id;

alter table rule_once_keys add column member_key text;
update rule_once_keys t set member_key = m.member_key from members m
 where m.program_id = t.program_id and m.member_id = t.member_id;

alter table member_tiers add column member_key text;
update member_tiers t set member_key = m.member_key from members m
 where m.program_id = t.program_id and m.member_id = t.member_id;

alter table tier_history add column member_key text;
update tier_history t set member_key = m.member_key from members m
 where m.program_id = t.program_id and m.member_id = t.member_id;

alter table reward_member_usage add column member_key text;
update reward_member_usage t set member_key = m.member_key from members m
 where m.program_id = t.program_id and m.member_id = t.member_id;

alter table redemptions add column member_key text;
update redemptions t set member_key = m.member_key from members m
 where m.program_id = t.program_id and m.member_id = t.member_id;

alter table coupon_codes add column member_key text;
update coupon_codes t set member_key = m.member_key from members m
 where m.program_id = t.program_id and m.member_id = t.member_id;

alter table lucky_draw_plays add column member_key text;
update lucky_draw_plays t set member_key = m.member_key from members m
 where m.program_id = t.program_id and m.member_id = t.member_id;

alter table checkout_payments add column member_key text;
update checkout_payments t set member_key = m.member_key from members m
 where m.program_id = t.program_id and m.member_id = t.member_id;

alter table outbox add column member_key text;
update outbox t set member_key = m.member_key from members m
 where m.program_id = t.program_id and m.member_id = t.member_id;

alter table member_notification_preferences add column member_key text;
update member_notification_preferences t set member_key = m.member_key from members m
 where m.program_id = t.program_id and m.member_id = t.member_id;

alter table deliveries add column member_key text;
update deliveries t set member_key = m.member_key from members m
 where m.program_id = t.program_id and m.member_id = t.member_id;

alter table inbox_messages add column member_key text;
update inbox_messages t set member_key = m.member_key from members m
 where m.program_id = t.program_id and m.member_id = t.member_id;

alter table expiry_reminders add column member_key text;
update expiry_reminders t set member_key = m.member_key from members m
 where m.program_id = t.program_id and m.member_id = t.member_id;

-- Every row belongs to a member (a row whose member is missing stops the migration here).
alter table lots alter column member_key set not null;
alter table entries alter column member_key set not null;
alter table holds alter column member_key set not null;
alter table events alter column member_key set not null;
alter table orders alter column member_key set not null;
alter table rule_member_usage alter column member_key set not null;
alter table rule_once_keys alter column member_key set not null;
alter table member_tiers alter column member_key set not null;
alter table tier_history alter column member_key set not null;
alter table reward_member_usage alter column member_key set not null;
alter table redemptions alter column member_key set not null;
alter table lucky_draw_plays alter column member_key set not null;
alter table checkout_payments alter column member_key set not null;
alter table member_notification_preferences alter column member_key set not null;
alter table inbox_messages alter column member_key set not null;
alter table expiry_reminders alter column member_key set not null;
-- Nullable as their member id was (outbox messages to no member, webhook deliveries, codes not
-- issued yet, entries other than transfers): a check, added then dropped, proves none lost its member.
alter table outbox add constraint outbox_member_found check ((member_id is null) = (member_key is null));
alter table outbox drop constraint outbox_member_found;
alter table deliveries add constraint deliveries_member_found check ((member_id is null) = (member_key is null));
alter table deliveries drop constraint deliveries_member_found;
alter table coupon_codes add constraint coupon_codes_member_found check ((member_id is null) = (member_key is null));
alter table coupon_codes drop constraint coupon_codes_member_found;
alter table entries add constraint entries_counterparty_found
  check ((counterparty_member_id is null) = (counterparty_member_key is null));
alter table entries drop constraint entries_counterparty_found;

-- The members' key: the primary key, which the others reference; the merchant's id stays unique.
alter table lots drop constraint lots_program_id_member_id_fkey;
alter table holds drop constraint holds_program_id_member_id_fkey;
alter table member_tiers drop constraint member_tiers_program_id_member_id_fkey;
alter table redemptions drop constraint redemptions_program_id_member_id_fkey;
alter table lucky_draw_plays drop constraint lucky_draw_plays_program_id_member_id_fkey;
alter table checkout_payments drop constraint checkout_payments_program_id_member_id_fkey;
alter table members drop constraint members_pkey;
alter table members add constraint members_pkey primary key (program_id, member_key);
-- Unique per program, member id first: an index led by program_id as well would tie with the primary
-- key for a look-up by key while the table has no statistics (PGlite never analyzes), and a cached
-- generic plan (the foreign keys' checks) could then scan the program's members instead.
alter table members add constraint members_member_id_key unique (member_id, program_id);

-- The journal view names the member by key.
drop view postings;

-- Lots.
drop index lots_spending_order;
drop index lots_expiring_by_program;
alter table lots drop column member_id;
alter table lots add constraint lots_program_id_member_key_fkey
  foreign key (program_id, member_key) references members (program_id, member_key);
create index lots_spending_order on lots (program_id, member_key, expires_at, earned_at, id) where remaining > 0;
create index lots_expiring_by_program on lots (program_id, expires_at, member_key)
  where remaining > 0 and expires_at is not null;

-- Entries (the journal: its rows keep every value they had; only the member's reference changes).
drop index entries_by_member;
drop index entries_growth_by_member;
alter table entries drop column member_id, drop column counterparty_member_id;
create index entries_by_member on entries (program_id, member_key, id);
create index entries_growth_by_member on entries (program_id, member_key, created_at) include (growth_delta)
  where growth_delta <> 0;

create view postings as
  select program_id, txn_id, id as entry_id, 'member:available' as account, member_key, 'points' as unit,
         available_delta as amount, created_at from entries where available_delta <> 0
  union all
  select program_id, txn_id, id, 'member:pending', member_key, 'points', pending_delta, created_at
    from entries where pending_delta <> 0
  union all
  select program_id, txn_id, id, 'member:held', member_key, 'points', held_delta, created_at
    from entries where held_delta <> 0
  union all
  select program_id, txn_id, id, 'member:growth', member_key, 'growth', growth_delta, created_at
    from entries where growth_delta <> 0
  union all
  select program_id, txn_id, id, 'system:' || contra_account, null,
         case when growth_delta <> 0 then 'growth' else 'points' end, contra_delta, created_at
    from entries where contra_delta <> 0;

-- Holds.
drop index holds_by_member;
alter table holds drop column member_id;
alter table holds add constraint holds_program_id_member_key_fkey
  foreign key (program_id, member_key) references members (program_id, member_key);
create index holds_by_member on holds (program_id, member_key, id);

-- Events and orders.
drop index events_by_member;
alter table events drop column member_id;
create index events_by_member on events (program_id, member_key, occurred_at);

alter table orders drop column member_id;

-- Rule limits.
alter table rule_member_usage drop constraint rule_member_usage_pkey;
alter table rule_member_usage drop column member_id;
alter table rule_member_usage add constraint rule_member_usage_pkey
  primary key (program_id, member_key, rule_id, period);

alter table rule_once_keys drop constraint rule_once_keys_pkey;
alter table rule_once_keys drop column member_id;
alter table rule_once_keys add constraint rule_once_keys_pkey
  primary key (program_id, member_key, rule_id, object_key);

-- Tiers.
alter table member_tiers drop constraint member_tiers_pkey;
alter table member_tiers drop column member_id;
alter table member_tiers add constraint member_tiers_pkey primary key (program_id, member_key);
alter table member_tiers add constraint member_tiers_program_id_member_key_fkey
  foreign key (program_id, member_key) references members (program_id, member_key);

drop index tier_history_by_member;
drop index tier_history_one_evaluation;
alter table tier_history drop column member_id;
create index tier_history_by_member on tier_history (program_id, member_key, id);
create unique index tier_history_one_evaluation on tier_history (program_id, member_key, period)
  where period is not null;

-- Rewards, draws and checkout.
alter table reward_member_usage drop constraint reward_member_usage_pkey;
alter table reward_member_usage drop column member_id;
alter table reward_member_usage add constraint reward_member_usage_pkey
  primary key (program_id, member_key, reward_id, period);

drop index redemptions_member;
alter table redemptions drop column member_id;
alter table redemptions add constraint redemptions_program_id_member_key_fkey
  foreign key (program_id, member_key) references members (program_id, member_key);
create index redemptions_member on redemptions (program_id, member_key, id);

alter table coupon_codes drop column member_id;

drop index lucky_draw_plays_member_day;
alter table lucky_draw_plays drop column member_id;
alter table lucky_draw_plays add constraint lucky_draw_plays_program_id_member_key_fkey
  foreign key (program_id, member_key) references members (program_id, member_key);
create index lucky_draw_plays_member_day on lucky_draw_plays (program_id, draw_id, member_key, local_day);

alter table checkout_payments drop column member_id;
alter table checkout_payments add constraint checkout_payments_program_id_member_key_fkey
  foreign key (program_id, member_key) references members (program_id, member_key);

-- Notifications.
alter table outbox drop column member_id;

alter table member_notification_preferences drop constraint member_notification_preferences_pkey;
alter table member_notification_preferences drop column member_id;
alter table member_notification_preferences add constraint member_notification_preferences_pkey
  primary key (program_id, member_key);

alter table deliveries drop column member_id;

drop index inbox_unread;
alter table inbox_messages drop constraint inbox_messages_pkey;
alter table inbox_messages drop column member_id;
alter table inbox_messages add constraint inbox_messages_pkey primary key (program_id, member_key, id);
create index inbox_unread on inbox_messages (program_id, member_key) where read_at is null;

drop index expiry_reminders_once_per_instant;
alter table expiry_reminders drop constraint expiry_reminders_pkey;
alter table expiry_reminders drop column member_id;
alter table expiry_reminders add constraint expiry_reminders_pkey
  primary key (program_id, member_key, expires_on, offset_days);
create unique index expiry_reminders_once_per_instant
  on expiry_reminders (program_id, member_key, first_expiry, offset_days);
