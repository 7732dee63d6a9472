import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Select, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { ComparisonLine, type ValueOptions } from './comparison-line.tsx';
import {
  emptyComparison,
  emptyGroup,
  type GroupDraft,
  type GroupMode,
  type NodeDraft,
  replaceNode,
} from './condition-draft.ts';
import type { FieldSpec } from './condition-types.ts';

const MODES: readonly GroupMode[] = ['all', 'any', 'none', 'notAll'];
/** Groups nest this deep at most: deeper is better said another way. */
const MAX_DEPTH = 3;

/** A field error the API pinned inside the condition: its path below `condition` (`/all/0/field`). */
export interface ConditionProblem {
  path: string;
  message: string;
}

export interface ConditionBuilderProps {
  /** The draft (see condition-draft.ts: `draftOf`, `conditionOf`). */
  value: GroupDraft;
  onChange: (next: GroupDraft) => void;
  /** The fields a condition may read (GET /v1/segments/fields). */
  fields: readonly FieldSpec[];
  /** Choices for a field's values (statuses, stages, segments), where there are known ones. */
  valueOptions?: ValueOptions;
  problems?: readonly ConditionProblem[];
  disabled?: boolean;
}

/**
 * Builds a condition by clicking: groups (all / any / none / not all) of lines, each a field (its
 * window for a windowed one), a comparison fit for the field's type, and its value(s); money in
 * yuan. Never shows JSON. Reused by every screen that edits a condition over members.
 */
export function ConditionBuilder({
  value,
  onChange,
  fields,
  valueOptions,
  problems = [],
  disabled,
}: ConditionBuilderProps) {
  const update = (key: string, next: NodeDraft | null) =>
    onChange(key === value.key && next?.kind === 'group' ? next : replaceNode(value, key, next));
  return (
    <div data-testid="condition-builder">
      <GroupBox
        group={value}
        path=""
        depth={1}
        fields={fields}
        valueOptions={valueOptions}
        problems={problems}
        disabled={disabled}
        update={update}
      />
    </div>
  );
}

/** The paths of a group's children in the condition it makes (see conditionOf). */
function childPath(group: GroupDraft, path: string, index: number): string {
  switch (group.mode) {
    case 'all':
    case 'any':
      return `${path}/${group.mode}/${index}`;
    case 'none':
      return group.children.length === 1 ? `${path}/not` : `${path}/not/any/${index}`;
    case 'notAll':
      return group.children.length === 1 ? `${path}/not` : `${path}/not/all/${index}`;
  }
}

function GroupBox({
  group,
  path,
  depth,
  fields,
  valueOptions,
  problems,
  disabled,
  update,
  onRemove,
}: {
  group: GroupDraft;
  path: string;
  depth: number;
  fields: readonly FieldSpec[];
  valueOptions?: ValueOptions;
  problems: readonly ConditionProblem[];
  disabled?: boolean;
  update: (key: string, next: NodeDraft | null) => void;
  onRemove?: () => void;
}) {
  const { t } = useTranslation();
  const add = (node: NodeDraft) => update(group.key, { ...group, children: [...group.children, node] });
  return (
    <div
      className="condition-group"
      data-testid="condition-group"
      style={{
        border: '1px solid #f0f0f0',
        borderInlineStart: '3px solid #fdba74',
        borderRadius: 6,
        padding: 12,
        background: depth % 2 === 1 ? '#fff' : '#fafafa',
      }}
    >
      <Space style={{ marginBottom: 8 }} wrap>
        <Select<GroupMode>
          value={group.mode}
          aria-label={t('conditionBuilder.mode')}
          data-testid="condition-mode"
          disabled={disabled}
          style={{ width: 200 }}
          onChange={(mode) => update(group.key, { ...group, mode })}
          options={MODES.map((mode) => ({ value: mode, label: t(`conditionBuilder.modes.${mode}`) }))}
        />
        {onRemove && !disabled && (
          <Button size="small" type="text" danger icon={<DeleteOutlined />} onClick={onRemove}>
            {t('conditionBuilder.removeGroup')}
          </Button>
        )}
      </Space>
      <Space direction="vertical" style={{ width: '100%' }} size={8}>
        {group.children.map((child, index) => {
          const at = childPath(group, path, index);
          return child.kind === 'group' ? (
            <GroupBox
              key={child.key}
              group={child}
              path={at}
              depth={depth + 1}
              fields={fields}
              valueOptions={valueOptions}
              problems={problems}
              disabled={disabled}
              update={update}
              onRemove={() => update(child.key, null)}
            />
          ) : (
            <ComparisonLine
              key={child.key}
              draft={child}
              fields={fields}
              valueOptions={valueOptions}
              disabled={disabled}
              problems={problems.filter(
                (problem) => problem.path.startsWith(`${at}/`) || problem.path === at,
              )}
              onChange={(next) => update(child.key, next)}
              onRemove={() => update(child.key, null)}
            />
          );
        })}
        {group.children.length === 0 && (
          <Typography.Text type="warning">{t('conditionBuilder.empty')}</Typography.Text>
        )}
        {!disabled && (
          <Space wrap>
            <Button
              size="small"
              icon={<PlusOutlined />}
              onClick={() => add(emptyComparison())}
              data-testid="condition-add"
            >
              {t('conditionBuilder.addCondition')}
            </Button>
            {depth < MAX_DEPTH && (
              <Button
                size="small"
                icon={<PlusOutlined />}
                onClick={() => add(emptyGroup('any'))}
                data-testid="condition-add-group"
              >
                {t('conditionBuilder.addGroup')}
              </Button>
            )}
          </Space>
        )}
      </Space>
    </div>
  );
}
