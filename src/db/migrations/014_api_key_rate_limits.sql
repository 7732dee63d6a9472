-- 014: a key may have its own rate limit (requests a minute); null uses the deployment's default
-- (JIFEN_RATE_LIMIT_PER_MINUTE).
alter table api_keys
  add column rate_limit_per_minute integer check (rate_limit_per_minute > 0);
