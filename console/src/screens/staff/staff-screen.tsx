import { ComingSoon } from '../../components/coming-soon.tsx';

/** Staff: arrives in this release (issue 18); the route, menu entry and access rule are in place. */
export default function StaffScreen() {
  return <ComingSoon screen="staff" />;
}
