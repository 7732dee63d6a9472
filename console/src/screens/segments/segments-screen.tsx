import { Route, Routes } from 'react-router';
import { SegmentDetail } from './segment-detail.tsx';
import { SegmentForm } from './segment-form.tsx';
import { SegmentList } from './segment-list.tsx';

/**
 * Segments (用户分层): the list with the lifecycle stages at /console/segments, a new segment at
 * /segments/new, one segment at /segments/:segmentId and its editor at /segments/:segmentId/edit.
 */
export default function SegmentsScreen() {
  return (
    <Routes>
      <Route index element={<SegmentList />} />
      <Route path="new" element={<SegmentForm />} />
      <Route path=":segmentId" element={<SegmentDetail />} />
      <Route path=":segmentId/edit" element={<SegmentForm />} />
    </Routes>
  );
}
