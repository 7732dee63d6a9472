import { sealLegacySubjectKeys } from './audit/subject-keys.ts';
import { registerDraftCommitHooks } from './ledger/commit-hooks.ts';
import { sealLegacyBirthdays } from './members/member-birthdays.ts';
import { sealLegacyDeliveryMessages, sealLegacyRecipients } from './notifications/dispatch/fan-out.ts';
import { sealLegacyInbox } from './notifications/inbox/inbox-store.ts';
import { recordingHistory } from './notifications/outbox/history-scope.ts';
import { ledgerMessages } from './notifications/outbox/ledger-messages.ts';
import { outboxInsertSql, prepareOutbox, sealLegacyOutbox } from './notifications/outbox/outbox-sql.ts';
import { tierChangedMessages } from './notifications/outbox/tier-messages.ts';
import { sealLegacyContacts } from './notifications/preferences/member-preferences.ts';
import { sealLegacyWebhookSecrets } from './notifications/webhooks/legacy-webhook-secrets.ts';
import { sealLegacyShippingAddresses } from './rewards/redemption-store.ts';
import { sealLegacyTotpSecrets } from './staff/staff-store.ts';
import { registerTierChangeHooks } from './tiers/tier-change-hooks.ts';
import { applyTierChanges } from './tiers/tier-upgrades.ts';
import { registerLegacySealer } from './vault/legacy-plaintext.ts';

/**
 * The composition root's one job below HTTP: connecting the lower areas to the higher ones that
 * react to them, without the lower ones importing the higher. Every ledger draft a command commits
 * gets its tier changes (before it is written) and its outbox messages (in its own statement), and
 * every tier change recorded its `tier.changed` message (in the history's statement) — except what an
 * import records as history (`recordAsHistory`), which tells nobody.
 * And the plain text areas stored before the vault (issue 17): each area seals its own columns,
 * `jifen serve` runs them at start.
 * Run once at start-up by the app and the CLI (and by the tests' database helper); idempotent.
 */
export function wireAreas(): void {
  registerDraftCommitHooks({ name: 'tiers', beforeWrite: applyTierChanges });
  registerDraftCommitHooks({
    name: 'outbox',
    prepare: prepareOutbox,
    writtenAlongside(tx, programId, draft, entries, param) {
      if (recordingHistory()) return [];
      const messages = ledgerMessages(
        programId,
        entries,
        (lotId) => draft.findLot(lotId)?.availableAt ?? null,
      );
      return messages.length > 0 ? [outboxInsertSql(tx, programId, messages, param)] : [];
    },
  });
  registerTierChangeHooks({
    name: 'outbox',
    prepare: prepareOutbox,
    writtenAlongside(tx, programId, recorded, param) {
      if (recordingHistory()) return [];
      const messages = tierChangedMessages(programId, recorded);
      return messages.length > 0 ? [outboxInsertSql(tx, programId, messages, param)] : [];
    },
  });
  // Personal data (and secrets) stored in plain text before the vault: sealed by `jifen serve` at start.
  registerLegacySealer({ name: 'member_notification_preferences.email, .phone', seal: sealLegacyContacts });
  registerLegacySealer({ name: 'deliveries.recipient', seal: sealLegacyRecipients });
  registerLegacySealer({ name: 'members.birthday', seal: sealLegacyBirthdays });
  registerLegacySealer({ name: 'deliveries.subject, deliveries.body', seal: sealLegacyDeliveryMessages });
  registerLegacySealer({ name: 'inbox_messages.subject, inbox_messages.body', seal: sealLegacyInbox });
  registerLegacySealer({
    name: 'webhook_endpoints.secret, webhook_endpoints.previous_secret',
    seal: sealLegacyWebhookSecrets,
  });
  registerLegacySealer({ name: 'audit_subject_keys.key', seal: sealLegacySubjectKeys });
  registerLegacySealer({ name: 'redemptions.shipping_address', seal: sealLegacyShippingAddresses });
  registerLegacySealer({ name: 'staff_accounts.totp_secret', seal: sealLegacyTotpSecrets });
  registerLegacySealer({ name: 'outbox.data', seal: sealLegacyOutbox });
}
