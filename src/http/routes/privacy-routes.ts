import { MemberParams } from '../../members/member-api-schemas.ts';
import { eraseMember } from '../../privacy/erase-member.ts';
import { exportPersonalData } from '../../privacy/export-personal-data.ts';
import { ErasureBody, ErasureResult, PersonalDataExport } from '../../privacy/privacy-api-schemas.ts';
import { problemResponses } from '../../shared/api-schemas.ts';
import { principalOf } from '../auth.ts';
import type { RouteDeps, TypedApp } from '../route-deps.ts';

/** A member's rights over their personal data (docs/privacy.md): access and erasure. */
export function privacyRoutes(app: TypedApp, deps: RouteDeps): void {
  app.get(
    '/v1/members/:memberId/personal-data',
    {
      config: { permission: 'personal_data:export' },
      schema: {
        tags: ['members'],
        summary:
          "Everything held about a member, as JSON (a data subject's access request); recorded in the audit log",
        params: MemberParams,
        response: { 200: PersonalDataExport, ...problemResponses },
      },
    },
    async (request, reply) => {
      const { programId } = principalOf(request);
      const exported = await exportPersonalData(
        deps.db,
        programId,
        request.params.memberId,
        deps.clock.now(),
      );
      // A download: the browser saves it under the member's id; no cache keeps a copy.
      reply.header('cache-control', 'no-store');
      reply.header(
        'content-disposition',
        `attachment; filename="personal-data-${encodeURIComponent(request.params.memberId)}.json"`,
      );
      return exported;
    },
  );

  app.post(
    '/v1/members/:memberId/erasure',
    {
      config: { permission: 'personal_data:erase' },
      schema: {
        tags: ['members'],
        summary:
          "Erase a member's personal data (profile, contacts, addresses, messages, audit details); points and journal stay",
        params: MemberParams,
        body: ErasureBody,
        response: { 200: ErasureResult, ...problemResponses },
      },
    },
    async (request) => {
      const { programId } = principalOf(request);
      const now = deps.clock.now();
      return deps.db.transaction((tx) =>
        eraseMember(
          tx,
          programId,
          request.params.memberId,
          { forgetMemberId: request.body.forgetMemberId ?? false },
          now,
        ),
      );
    },
  );
}
