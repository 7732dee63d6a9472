-- 029: personal data sealed at rest (issue 17). Contacts in member_notification_preferences are
-- stored as `enc:v1:` ciphertext (src/vault/field-cipher.ts); a member is found by phone through
-- `phone_index`, a keyed hash (HMAC-SHA256 under the program's index key) of the number in E.164,
-- so neither the number nor an unkeyed hash of it is stored.
alter table member_notification_preferences add column phone_index text;
create index member_notification_preferences_by_phone
  on member_notification_preferences (program_id, phone_index) where phone_index is not null;
