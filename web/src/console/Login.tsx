import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Input, Segmented, Typography } from 'antd';
import { useState } from 'react';
import { ApiError } from '../api/errors';
import { session } from '../api/session';
import { useLang } from './i18n';

export function Login() {
  const { lang, setLang, t } = useLang();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (values: { username: string; password: string }) => {
    setBusy(true);
    setError(null);
    try {
      await session.login(values.username.trim(), values.password);
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, 'service_unavailable', String(e)));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main style={{ minHeight: '100vh', display: 'grid', placeItems: 'center', background: 'linear-gradient(160deg,#fff5f5,#f5f7fa)' }}>
      <Card style={{ width: 380 }}>
        <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center' }}>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {t('点单 · 工作台', 'diandan console')}
          </Typography.Title>
          <Segmented size="small" aria-label={t('语言', 'Language')} value={lang} onChange={(v) => setLang(v as 'zh' | 'en')} options={[{ label: '中文', value: 'zh' }, { label: 'EN', value: 'en' }]} />
        </div>
        <Typography.Paragraph type="secondary">{t('群团组织点单服务 · 工作人员登录', 'Staff login')}</Typography.Paragraph>
        {error && <Alert role="alert" type="error" showIcon style={{ marginBottom: 16 }} title={error.title(lang)} description={error.apiMessage} />}
        <Form layout="vertical" onFinish={submit} requiredMark={false}>
          <Form.Item label={t('用户名', 'Username')} name="username" rules={[{ required: true, whitespace: true, message: t('请输入用户名', 'Enter your username') }]}>
            <Input prefix={<UserOutlined />} autoComplete="username" autoFocus />
          </Form.Item>
          <Form.Item label={t('密码', 'Password')} name="password" rules={[{ required: true, message: t('请输入密码', 'Enter your password') }]}>
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy}>
            {t('登录', 'Log in')}
          </Button>
        </Form>
      </Card>
    </main>
  );
}
