-- 018: one word for a hold that ended by its time-out. Its status was `expired` while its entry was
-- `hold_timeout` and points' own expiry is `expire`: a hold now ends `captured`, `voided` or
-- `timed_out`, and "expire" is kept for points.
alter table holds drop constraint holds_status_check;
update holds set status = 'timed_out' where status = 'expired';
alter table holds add constraint holds_status_check check (status in ('open', 'captured', 'voided', 'timed_out'));
