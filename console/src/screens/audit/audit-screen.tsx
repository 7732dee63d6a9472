import { ComingSoon } from '../../components/coming-soon.tsx';

/** Audit: arrives in this release (issue 18); the route, menu entry and access rule are in place. */
export default function AuditScreen() {
  return <ComingSoon screen="audit" />;
}
