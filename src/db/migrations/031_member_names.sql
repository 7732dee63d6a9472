-- 031: members' names (issue 17): `name` (the member's name, for staff) and `nickname` (what
-- leaderboards and the member page show). Both personal data, stored only as vault ciphertext
-- (`enc:v1:…`, src/vault/field-cipher.ts).
alter table members add column name text, add column nickname text;
