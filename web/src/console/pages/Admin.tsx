// 系统管理: the unit tree, the category catalogue (deadlines, routing) and staff accounts. Forms
// check what the API checks (ids, lengths, a unit handler needs a unit) while typing; the API's
// own refusal is shown as it says it.
import { Button, Card, Drawer, Flex, Form, Input, Select, Switch, Table, Tabs, Tag, Tree, App } from 'antd';
import { useState } from 'react';
import { dispatchApi, must } from '../../api/client';
import type { Category, StaffAccount, Unit } from '../../api/views';
import { label, LEVEL, ROLE } from '../../lib/labels';
import { useLang } from '../i18n';
import { loadReference } from '../parts/reference';
import { asApiError, ErrorView, Loadable, useLoad } from '../parts/state';
import { ApiError } from '../../api/errors';
import Calendar from './Calendar';

const ID = /^[a-z0-9][a-z0-9-]{1,62}$/;
const USERNAME = /^[a-z0-9][a-z0-9._-]{1,62}$/;

interface TreeNode {
  key: string;
  title: string;
  children: TreeNode[];
}

function UnitTree() {
  const { lang } = useLang();
  const reference = useLoad(() => loadReference(true), []);
  return (
    <Loadable state={reference}>
      {({ units }) => {
        const node = (u: Unit): TreeNode => ({
          key: u.id,
          title: `${u.name}（${label(LEVEL, u.level, lang)} · ${u.id}）${u.active === false ? ' ⊘' : ''}`,
          children: units.filter((c) => c.parentId === u.id).map(node),
        });
        return <Tree defaultExpandAll treeData={units.filter((u) => !u.parentId).map(node)} />;
      }}
    </Loadable>
  );
}

function Categories() {
  const { lang, t } = useLang();
  const { message } = App.useApp();
  const state = useLoad(() => loadReference(true), []);
  const [editing, setEditing] = useState<Category | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [form] = Form.useForm();
  const save = async (values: { name: string; description: string; active: boolean; responsible: string; deadlines: string }) => {
    if (!editing) return;
    setError(null);
    try {
      const body = { name: values.name, description: values.description ?? '', active: values.active, responsible: JSON.parse(values.responsible || '{}'), deadlines: JSON.parse(values.deadlines || '{}') };
      await must(dispatchApi.PATCH('/v1/categories/{code}' as never, { params: { path: { code: editing.code } }, body } as never));
      message.success(t('已保存', 'Saved'));
      setEditing(null);
      await state.reload();
    } catch (e) {
      setError(asApiError(e));
    }
  };
  const json = { validator: async (_r: unknown, v: string) => { try { JSON.parse(v || '{}'); } catch { throw new Error(t('不是合法的 JSON', 'not valid JSON')); } } };
  return (
    <Loadable state={state}>
      {({ categories, unitById }) => (
        <>
          <Table<Category>
            rowKey="code"
            size="small"
            dataSource={categories}
            pagination={false}
            columns={[
              { title: t('编码', 'Code'), dataIndex: 'code' },
              { title: t('名称', 'Name'), dataIndex: 'name' },
              { title: t('责任单位', 'Responsible'), render: (_v, c) => Object.entries(c.responsible ?? {}).map(([lvl, id]) => <Tag key={lvl}>{label(LEVEL, lvl, lang)}：{unitById.get(String(id))?.name ?? String(id)}</Tag>) },
              { title: t('办理期限', 'Deadlines'), render: (_v, c) => <code>{JSON.stringify(c.deadlines ?? {})}</code> },
              { title: t('启用', 'Active'), dataIndex: 'active', render: (a: boolean) => (a === false ? '否' : '是') },
              { title: '', render: (_v, c) => <Button size="small" onClick={() => { setError(null); setEditing(c); form.setFieldsValue({ name: c.name, description: c.description ?? '', active: c.active !== false, responsible: JSON.stringify(c.responsible ?? {}), deadlines: JSON.stringify(c.deadlines ?? {}) }); }}>{t('编辑', 'Edit')}</Button> },
            ]}
          />
          <Drawer open={editing !== null} onClose={() => setEditing(null)} title={`${t('编辑类别', 'Edit category')} ${editing?.code ?? ''}`} size={520}>
            {error && <ErrorView error={error} />}
            <Form form={form} layout="vertical" onFinish={save}>
              <Form.Item name="name" label={t('名称', 'Name')} rules={[{ required: true, whitespace: true, max: 100 }]} validateTrigger="onChange"><Input /></Form.Item>
              <Form.Item name="description" label={t('说明', 'Description')} rules={[{ max: 1000 }]}><Input.TextArea rows={2} /></Form.Item>
              <Form.Item name="responsible" label={t('责任单位（按层级，JSON）', 'Responsible units by level (JSON)')} rules={[json]}><Input.TextArea rows={2} /></Form.Item>
              <Form.Item name="deadlines" label={t('各层级办理期限（JSON）', 'Deadlines by level (JSON)')} rules={[json]}><Input.TextArea rows={3} /></Form.Item>
              <Form.Item name="active" label={t('启用', 'Active')} valuePropName="checked"><Switch /></Form.Item>
              <Button type="primary" htmlType="submit">{t('保存', 'Save')}</Button>
            </Form>
          </Drawer>
        </>
      )}
    </Loadable>
  );
}

function Users() {
  const { lang, t } = useLang();
  const { message } = App.useApp();
  const users = useLoad(async () => ((await must(dispatchApi.GET('/v1/users'))) as unknown as { users: StaffAccount[] }).users, []);
  const reference = useLoad(() => loadReference(), []);
  const [adding, setAdding] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [form] = Form.useForm();
  const role = Form.useWatch('role', form);
  const add = async (values: Record<string, string>) => {
    setError(null);
    try {
      await must(dispatchApi.POST('/v1/users' as never, { body: { ...values, unitId: values.unitId ?? null } } as never));
      message.success(t('已添加', 'Added'));
      setAdding(false);
      form.resetFields();
      await users.reload();
    } catch (e) {
      setError(asApiError(e));
    }
  };
  return (
    <Flex vertical gap={12}>
      <div><Button type="primary" onClick={() => setAdding(true)}>{t('添加工作人员', 'Add staff')}</Button></div>
      <Loadable state={users}>
        {(list) => (
          <Table<StaffAccount> rowKey="id" size="small" dataSource={list} pagination={false}
            columns={[
              { title: t('用户名', 'Username'), dataIndex: 'username' },
              { title: t('姓名', 'Name'), dataIndex: 'displayName' },
              { title: t('角色', 'Role'), dataIndex: 'role', render: (r: string) => label(ROLE, r, lang) },
              { title: t('单位', 'Unit'), dataIndex: 'unitId', render: (u: string | null) => (u ? (reference.data?.unitById.get(u)?.name ?? u) : '—') },
            ]} />
        )}
      </Loadable>
      <Drawer open={adding} onClose={() => setAdding(false)} title={t('添加工作人员', 'Add staff')} size={480}>
        {error && <ErrorView error={error} />}
        <Form form={form} layout="vertical" onFinish={add}>
          <Form.Item name="username" label={t('用户名', 'Username')} validateTrigger="onChange" rules={[{ required: true, pattern: USERNAME, message: t('小写字母、数字、点、横线，2–63 位', 'lower-case letters, digits, dots, dashes; 2–63') }]}><Input autoComplete="off" /></Form.Item>
          <Form.Item name="displayName" label={t('姓名', 'Name')} rules={[{ required: true, whitespace: true, max: 100 }]}><Input /></Form.Item>
          <Form.Item name="password" label={t('初始密码', 'Initial password')} validateTrigger="onChange" rules={[{ required: true, min: 10, max: 200, message: t('至少 10 位', 'at least 10 characters') }]}><Input.Password autoComplete="new-password" /></Form.Item>
          <Form.Item name="role" label={t('角色', 'Role')} rules={[{ required: true }]}>
            <Select options={Object.keys(ROLE).map((r) => ({ value: r, label: label(ROLE, r, lang) }))} />
          </Form.Item>
          <Form.Item name="unitId" label={t('单位', 'Unit')} dependencies={['role']} rules={[{ required: role === 'unit_handler', message: t('承办单位人员必须选择单位', 'a unit clerk needs a unit') }]}>
            <Select allowClear showSearch={{ optionFilterProp: 'label' }} options={(reference.data?.units ?? []).map((u) => ({ value: u.id, label: u.name }))} />
          </Form.Item>
          <Button type="primary" htmlType="submit">{t('添加', 'Add')}</Button>
        </Form>
      </Drawer>
    </Flex>
  );
}

export default function Admin() {
  const { t } = useLang();
  return (
    <Card size="small">
      <Tabs items={[
        { key: 'units', label: t('单位架构', 'Units'), children: <UnitTree /> },
        { key: 'categories', label: t('服务类别', 'Categories'), children: <Categories /> },
        { key: 'users', label: t('工作人员', 'Staff'), children: <Users /> },
        { key: 'calendar', label: t('节假日安排', 'Holiday calendar'), children: <Calendar /> },
      ]} />
    </Card>
  );
}

export { ID };
