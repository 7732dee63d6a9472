import { ComingSoon } from '../../components/coming-soon.tsx';

/** Approvals: arrives in this release (issue 18); the route, menu entry and access rule are in place. */
export default function ApprovalsScreen() {
  return <ComingSoon screen="approvals" />;
}
