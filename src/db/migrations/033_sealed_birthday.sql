-- 033: birthdays sealed at rest (issue 17). `birthday` becomes text, to hold `enc:v1:` ciphertext
-- (src/vault/field-cipher.ts; `jifen serve` seals the values stored before at start), and
-- `birth_day_index` is a keyed hash of the month and day alone (MM-DD), so birthday gifts still find
-- whose birthday is today without reading any birthday.
alter table members alter column birthday type text using to_char(birthday, 'YYYY-MM-DD');
alter table members add column birth_day_index text;
create index members_by_birth_day on members (program_id, birth_day_index) where birth_day_index is not null;
