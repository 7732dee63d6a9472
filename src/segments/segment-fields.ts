import type { MemberKey } from '../members/member-key.ts';
import { dig, type RuleProblem } from '../rules/compile-condition.ts';
import type { ActivityWindow } from '../shared/member-activity-sql.ts';
import type { Stage } from './segment-types.ts';

/** What a segment condition can look at about one member: plain data, loaded by `segment-facts.ts`. */
export interface SegmentFacts {
  memberKey: MemberKey;
  memberId: string;
  member: {
    status: string;
    tags: readonly string[];
    tier: string | null;
    /** The segments already judged for this member in this computation (referenced ones first). */
    segments: string[];
    joinedDays: number;
    /** MM-DD, when known. */
    birthday: string | null;
    attributes: Readonly<Record<string, unknown>>;
    stage: Stage | null;
  };
  balance: { available: number; pending: number; held: number; debt: number; growth: number };
  /** `<measure>.<window>` (e.g. `orders.30d`, `spendMinor.all`) → the figure. */
  activity: ReadonlyMap<string, number>;
  /** Whole days since the last order that counts; null when there is none. */
  lastOrderDays: number | null;
  rfm: {
    recency: number | null;
    frequency: number | null;
    monetary: number | null;
    recencyDays: number | null;
    orders: number;
    spendMinor: number;
  };
}

export type ActivityMeasure =
  | 'orders'
  | 'spendMinor'
  | 'pointsEarned'
  | 'pointsSpent'
  | 'redemptions'
  | 'checkIns';
export const ACTIVITY_MEASURES: readonly ActivityMeasure[] = [
  'orders',
  'spendMinor',
  'pointsEarned',
  'pointsSpent',
  'redemptions',
  'checkIns',
];

/** What a condition needs loaded: windows per measure, and whether the (sealed) birthday is read. */
export interface FactNeeds {
  windows: Map<ActivityMeasure, Set<ActivityWindow>>;
  birthday: boolean;
}

export const noNeeds = (): FactNeeds => ({ windows: new Map(), birthday: false });

/** Adds what `more` needs to `needs`. */
export function mergeNeeds(needs: FactNeeds, more: FactNeeds): void {
  needs.birthday ||= more.birthday;
  for (const [measure, windows] of more.windows) {
    const all = needs.windows.get(measure) ?? new Set();
    for (const w of windows) all.add(w);
    needs.windows.set(measure, all);
  }
}

export type FieldType = 'number' | 'string' | 'list' | 'date';
type Text = { 'zh-CN': string; en: string };

interface FieldSpec {
  field: string;
  type: FieldType;
  windowed: boolean;
  description: Text;
}

const MEMBER: Record<string, [FieldType, Text, (facts: SegmentFacts) => unknown]> = {
  status: [
    'string',
    { 'zh-CN': '会员状态(active/frozen/blocked)', en: 'Status (active, frozen, blocked)' },
    (f) => f.member.status,
  ],
  tags: ['list', { 'zh-CN': '标签', en: 'Tags' }, (f) => f.member.tags],
  tier: ['string', { 'zh-CN': '当前等级代码', en: 'Tier code in force' }, (f) => f.member.tier ?? undefined],
  segments: [
    'list',
    { 'zh-CN': '所在分群(可引用其他分群)', en: 'Segments the member is in (refers to other segments)' },
    (f) => f.member.segments,
  ],
  joinedDays: ['number', { 'zh-CN': '入会天数', en: 'Days since joining' }, (f) => f.member.joinedDays],
  birthday: [
    'string',
    { 'zh-CN': '生日(MM-DD)', en: 'Birthday (MM-DD)' },
    (f) => f.member.birthday ?? undefined,
  ],
  stage: ['string', { 'zh-CN': '生命周期阶段', en: 'Lifecycle stage' }, (f) => f.member.stage ?? undefined],
};

const BALANCE: Record<string, Text> = {
  available: { 'zh-CN': '可用积分', en: 'Available points' },
  pending: { 'zh-CN': '待生效积分', en: 'Pending points' },
  held: { 'zh-CN': '冻结中积分', en: 'Held points' },
  debt: { 'zh-CN': '积分欠款', en: 'Points owed (debt)' },
  growth: { 'zh-CN': '成长值', en: 'Growth value' },
};

const ACTIVITY: Record<ActivityMeasure, Text> = {
  orders: { 'zh-CN': '订单数(窗口内)', en: 'Orders in the window' },
  spendMinor: { 'zh-CN': '消费金额(扣除退款)', en: 'Spend, after refunds' },
  pointsEarned: { 'zh-CN': '获得积分', en: 'Points earned' },
  pointsSpent: { 'zh-CN': '使用积分(扣除退回)', en: 'Points redeemed, net of returns' },
  redemptions: { 'zh-CN': '兑换次数(不含取消)', en: 'Redemptions (not cancelled)' },
  checkIns: { 'zh-CN': '签到次数', en: 'Check-ins' },
};

const RFM: Record<string, [Text, (facts: SegmentFacts) => unknown]> = {
  recency: [
    { 'zh-CN': 'R 分(1–5,越近越高)', en: 'R score (1–5, 5 = most recent)' },
    (f) => f.rfm.recency ?? undefined,
  ],
  frequency: [{ 'zh-CN': 'F 分(1–5)', en: 'F score (1–5)' }, (f) => f.rfm.frequency ?? undefined],
  monetary: [{ 'zh-CN': 'M 分(1–5)', en: 'M score (1–5)' }, (f) => f.rfm.monetary ?? undefined],
  recencyDays: [
    { 'zh-CN': '距上次下单天数', en: 'Days since the last order' },
    (f) => f.rfm.recencyDays ?? undefined,
  ],
  orders: [{ 'zh-CN': 'RFM 窗口内订单数', en: 'Orders in the RFM window' }, (f) => f.rfm.orders],
  spendMinor: [{ 'zh-CN': 'RFM 窗口内消费', en: 'Spend in the RFM window' }, (f) => f.rfm.spendMinor],
};

const MAX_WINDOW_DAYS = 3650;

/** Every field a segment condition may name, for the console's condition builder. */
export function segmentFieldCatalogue(): FieldSpec[] {
  return [
    ...Object.entries(MEMBER).map(([name, [type, description]]) => ({
      field: `member.${name}`,
      type,
      windowed: false,
      description,
    })),
    {
      field: 'member.attributes.<key>',
      type: 'string' as const,
      windowed: false,
      description: { 'zh-CN': '自定义属性', en: 'A custom attribute' },
    },
    ...Object.entries(BALANCE).map(([name, description]) => ({
      field: `balance.${name}`,
      type: 'number' as const,
      windowed: false,
      description,
    })),
    ...ACTIVITY_MEASURES.map((measure) => ({
      field: `activity.${measure}`,
      type: 'number' as const,
      windowed: true,
      description: ACTIVITY[measure],
    })),
    {
      field: 'activity.lastOrderDays',
      type: 'number' as const,
      windowed: false,
      description: {
        'zh-CN': '距上次下单天数(从未下单则无)',
        en: 'Days since the last order (absent if none)',
      },
    },
    ...Object.entries(RFM).map(([name, [description]]) => ({
      field: `rfm.${name}`,
      type: 'number' as const,
      windowed: false,
      description,
    })),
  ];
}

/** `30d` → 30, `all` → null; undefined when not a window. */
export function parseWindow(text: string): ActivityWindow | undefined {
  if (text === 'all') return null;
  const match = /^([0-9]{1,4})d$/.exec(text);
  if (!match) return undefined;
  const days = Number(match[1]);
  return days >= 1 && days <= MAX_WINDOW_DAYS ? days : undefined;
}

export const windowKey = (days: ActivityWindow) => (days === null ? 'all' : `${days}d`);

/**
 * A reader for one field path, recording what it needs loaded; a path that names nothing is a
 * problem at `at` (the field's place in the request body).
 */
export function compileSegmentField(
  path: string,
  at: string,
  problems: RuleProblem[],
  needs: FactNeeds,
): (facts: SegmentFacts) => unknown {
  const [scope, name = '', ...rest] = path.split('.');
  const unknown = (hint: string) => {
    problems.push({ field: at, message: `unknown field "${path}"; ${hint}` });
    return () => undefined;
  };
  switch (scope) {
    case 'member': {
      if (name === 'attributes' && rest.length > 0) {
        return (facts) => dig(facts.member.attributes, rest);
      }
      const spec = MEMBER[name];
      if (!spec || rest.length > 0) {
        return unknown(
          `use ${[...Object.keys(MEMBER), 'attributes.<key>'].map((f) => `member.${f}`).join(', ')}`,
        );
      }
      if (name === 'birthday') needs.birthday = true;
      return spec[2];
    }
    case 'balance': {
      if (!Object.hasOwn(BALANCE, name) || rest.length > 0) {
        return unknown(
          `use ${Object.keys(BALANCE)
            .map((f) => `balance.${f}`)
            .join(', ')}`,
        );
      }
      return (facts) => facts.balance[name as keyof SegmentFacts['balance']];
    }
    case 'activity': {
      if (name === 'lastOrderDays' && rest.length === 0) return (facts) => facts.lastOrderDays ?? undefined;
      if (!(ACTIVITY_MEASURES as readonly string[]).includes(name)) {
        return unknown(
          `use ${ACTIVITY_MEASURES.map((m) => `activity.${m}.<window>`).join(', ')} or activity.lastOrderDays`,
        );
      }
      const window = rest.length === 1 ? parseWindow(rest[0]!) : undefined;
      if (window === undefined) {
        problems.push({
          field: at,
          message: `"${path}" needs a window of 1 to ${MAX_WINDOW_DAYS} days or all: activity.${name}.30d, activity.${name}.all`,
        });
        return () => undefined;
      }
      const measure = name as ActivityMeasure;
      const windows = needs.windows.get(measure) ?? new Set<ActivityWindow>();
      needs.windows.set(measure, windows.add(window));
      const key = `${measure}.${windowKey(window)}`;
      return (facts) => facts.activity.get(key) ?? 0;
    }
    case 'rfm': {
      const spec = RFM[name];
      if (!spec || rest.length > 0)
        return unknown(
          `use ${Object.keys(RFM)
            .map((f) => `rfm.${f}`)
            .join(', ')}`,
        );
      return spec[1];
    }
    default:
      return unknown('use member.*, balance.*, activity.* or rfm.*');
  }
}
