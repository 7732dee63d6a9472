import { ComingSoon } from '../../components/coming-soon.tsx';

/** Members: arrives in this release (issue 18); the route, menu entry and access rule are in place. */
export default function MembersScreen() {
  return <ComingSoon screen="members" />;
}
