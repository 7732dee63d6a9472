import { MemberParams } from '../../members/member-api-schemas.ts';
import { exportPersonalData } from '../../privacy/export-personal-data.ts';
import { PersonalDataExport } from '../../privacy/privacy-api-schemas.ts';
import { problemResponses } from '../../shared/api-schemas.ts';
import { principalOf } from '../auth.ts';
import type { RouteDeps, TypedApp } from '../route-deps.ts';

/** A member's rights over their personal data (docs/privacy.md): access (and, next, erasure). */
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
}
