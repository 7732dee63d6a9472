-- 016: one entry type per direction. `refund` meant both "points taken back because the order that
-- earned them was refunded" (event intake) and "points given back because an order paid with points
-- was refunded" (checkout). The first is now `clawback`; `refund` keeps only the second. The two are
-- told apart by their system account: a take-back returns points to `issued` (growth to
-- `growth_issued`), a checkout refund takes them from `redeemed`.
-- The journal is append-only for Jifen's statements; this migration renames a stored value once.
update entries set type = 'clawback'
 where type = 'refund' and contra_account in ('issued', 'growth_issued');
