import { Route, Routes } from 'react-router';
import { MemberList } from './member-list.tsx';
import { MemberPage } from './member-page.tsx';

/** Members: the search/list at /console/members, and a member's page at /console/members/:memberId. */
export default function MembersScreen() {
  return (
    <Routes>
      <Route index element={<MemberList />} />
      <Route path=":memberId" element={<MemberPage />} />
    </Routes>
  );
}
