// The ten published rules the event scenarios judge by: what a real program runs at once (a base
// rate, growth, a member day, category and basket bonuses, a first-order bonus, a capped campaign
// with a budget, an exclusive pair), so an event is evaluated against all ten.
const name = (zh: string, en: string) => ({ 'zh-CN': zh, en });

export const BENCH_RULES: object[] = [
  {
    name: name('消费积分', 'Purchase points'),
    trigger: 'order.paid',
    reward: { kind: 'per_amount', points: 1, perAmountMinor: 100 },
  },
  {
    name: name('消费成长值', 'Purchase growth'),
    trigger: 'order.paid',
    reward: { kind: 'per_amount', points: 1, perAmountMinor: 1000 },
    target: { growth: 1 },
  },
  {
    name: name('会员日双倍', 'Member day ×2'),
    trigger: 'order.paid',
    reward: { kind: 'multiplier', factor: 2 },
    schedule: { weekdays: [3] },
  },
  {
    name: name('礼品类加赠', 'Gift category bonus'),
    trigger: 'order.paid',
    condition: { items: { where: { field: 'item.category', op: 'eq', value: 'gift' } } },
    reward: { kind: 'fixed', points: 5 },
  },
  {
    name: name('大额订单', 'Big basket bonus'),
    trigger: 'order.paid',
    condition: { field: 'event.amountMinor', op: 'gte', value: 50_000 },
    reward: { kind: 'fixed', points: 50 },
  },
  {
    name: name('首单礼', 'First order bonus'),
    trigger: 'order.paid',
    reward: { kind: 'fixed', points: 100 },
    limits: { perMemberPoints: { lifetime: 100 } },
  },
  {
    name: name('双十一活动', 'Singles day campaign'),
    trigger: 'order.paid',
    reward: { kind: 'per_amount', points: 1, perAmountMinor: 500 },
    limits: { perMemberPoints: { day: 200 }, budgetPoints: 1_000_000_000_000 },
  },
  {
    name: name('App 下单', 'App orders'),
    trigger: 'order.paid',
    condition: { field: 'event.channel', op: 'eq', value: 'app' },
    reward: { kind: 'fixed', points: 10 },
    stacking: { mode: 'exclusive', group: 'channel' },
  },
  {
    name: name('门店下单', 'Store orders'),
    trigger: 'order.paid',
    condition: { field: 'event.channel', op: 'eq', value: 'store' },
    reward: { kind: 'fixed', points: 8 },
    stacking: { mode: 'exclusive', group: 'channel' },
  },
  {
    name: name('评价奖励', 'Review reward'),
    trigger: 'review.posted',
    reward: { kind: 'fixed', points: 20 },
    limits: { oncePer: 'orderId' },
  },
];
