-- 002: idempotency records are kept for a retention period (JIFEN_IDEMPOTENCY_RETENTION_DAYS),
-- then pruned oldest first; this index makes finding them cheap.
create index idempotency_keys_by_age on idempotency_keys (created_at);
