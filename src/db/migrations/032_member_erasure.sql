-- 032: erasure of a member's personal data (issue 17, PIPL art. 47 / GDPR art. 17). The member row
-- stays (its balances are the ledger's), with its personal fields cleared and the time of the
-- erasure: a second request is refused, and the export says it.
alter table members add column erased_at timestamptz;
