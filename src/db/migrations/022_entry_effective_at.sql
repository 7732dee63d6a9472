-- 022: dated history (issue 15). An entry is recorded now but may count from an earlier instant:
-- an imported opening balance or historical event counts from when it was earned. `created_at`
-- stays the recording time (ids, the journal's order and its after-balances follow it);
-- `effective_at` is when the points count from (lots earned, pending release, tier windows).
-- Null on entries written before this migration: they count from `created_at`.
alter table entries add column effective_at timestamptz;
