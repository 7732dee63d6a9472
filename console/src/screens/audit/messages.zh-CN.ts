/** The Audit log screen's messages in Chinese (`audit.*` in the catalogue), and the error codes it shows. */
export const auditZhCN = {
  title: '审计日志',
  intro: '谁在何时、从哪里做了什么。每条记录都按顺序链接封存，任何删改都能被校验发现。',
  filters: {
    actor: '操作人',
    actorPlaceholder: '员工或密钥编号',
    action: '操作',
    targetType: '对象类型',
    targetId: '对象编号',
    dates: '时间范围',
    from: '开始日期',
    to: '结束日期',
    outcome: '结果',
    search: '查询',
    reset: '重置',
    any: '全部',
  },
  outcomes: {
    success: '成功',
    failure: '失败',
  },
  columns: {
    at: '时间',
    actor: '操作人',
    action: '操作',
    target: '对象',
    outcome: '结果',
    from: '来源',
    summary: '摘要',
  },
  actorKind: {
    staff: '员工',
    api_key: 'API 密钥',
    system: '系统',
    anonymous: '匿名',
  },
  erased: '个人信息已删除',
  hidden: '—',
  details: {
    seq: '序号',
    requestId: '请求编号',
    recordHash: '记录哈希',
    summary: '摘要（不含个人信息）',
    personal: '个人信息部分',
  },
  empty: '没有符合条件的审计记录',
  emptyHint: '试试放宽时间范围或清除筛选条件。',
  prev: '上一页',
  next: '下一页',
  verify: '校验链',
  verifyOk:
    '审计链完整：{{records}} 条记录，已封存 {{sealed}} 个序号（其中 {{gaps}} 个为回滚留下的空位），链尾 #{{seq}}。',
  verifyOkEmpty: '审计链完整：还没有记录。',
  verifyBroken: '审计链在第 {{seq}} 条处断开（{{reason}}）：{{detail}}',
  brokenReason: {
    edited: '记录被修改',
    missing: '记录缺失',
    reordered: '顺序被打乱',
    unsealed: '记录未封存',
    seal_tampered: '封存被篡改',
  },
  export: '导出 CSV',
  exported: '已导出 {{file}}（导出本身也记入审计日志）',
  actions: {
    approval: {
      approved: '批准审批',
      rejected: '驳回审批',
      cancelled: '撤回审批',
      policy_replaced: '修改审批策略',
    },
    audit: {
      exported: '导出审计日志',
    },
    ledger: {
      adjust: '调整积分',
      reverse: '冲正流水',
    },
    member: {
      upserted: '新建/修改会员',
      erased: '删除会员个人信息',
      personal_data_exported: '导出会员个人信息',
      id_changed: '更改会员编号',
    },
    key: {
      created: '创建 API 密钥',
      revoked: '吊销 API 密钥',
    },
    staff: {
      created: '添加员工',
      changed: '修改员工',
      login: '员工登录',
      logout: '员工退出',
      password_reset: '重置员工密码',
      password_changed: '修改密码',
    },
    role: {
      created: '新建角色',
      changed: '修改角色',
      deleted: '删除角色',
    },
    program: {
      changed: '修改计划',
    },
    rule: {
      published: '发布规则',
    },
    tier: {
      assigned: '指定等级',
    },
  },
};

/** Error codes (problem+json `code`) this screen's actions may meet: `errors.<code>`. */
export const auditErrorsZhCN = {};
