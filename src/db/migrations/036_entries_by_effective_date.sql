-- 036: the journal in effective-date order (issue 20, journal export and trial balance). Finance
-- reads a program's journal by when its points count (`effective_at`, or `created_at` for entries
-- written before 022), then id: the export pages through it by that key and the trial balance sums a
-- range of it, both as index range scans instead of a sort of the program's whole journal. One more
-- index on every ledger write; none on `created_at` (the export by recording time would need a
-- second one, see docs/metrics.md).
create index entries_by_effective_date on entries (program_id, (coalesce(effective_at, created_at)), id);
