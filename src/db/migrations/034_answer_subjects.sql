-- Issue 17: an answer kept for an Idempotency-Key replay that holds a member's personal data (it is
-- sealed) names whose it is, so erasing the member erases it too. `member:<member id>`; null for
-- every other answer.
alter table idempotency_keys add column subject text;
create index idempotency_keys_by_subject on idempotency_keys (program_id, subject) where subject is not null;
