-- 013: a rotated webhook secret keeps signing for a while (previous_secret_until), so receivers can
-- switch to the new one without dropping deliveries: each delivery then carries both signatures.
alter table webhook_endpoints
  add column previous_secret text,
  add column previous_secret_until timestamptz;
