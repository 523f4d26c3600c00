// The staff console: the login page, then a side menu that follows the role (the same role and
// unit scope the staff API enforces — the menu only hides what the API would refuse anyway).
import {
  AlertOutlined, ApartmentOutlined, CalendarOutlined, AuditOutlined, BarChartOutlined, BookOutlined, DownloadOutlined, ProjectOutlined, InboxOutlined, LogoutOutlined, SolutionOutlined, TeamOutlined, UnorderedListOutlined,
} from '@ant-design/icons';
import { Button, Layout, Menu, Result, Segmented, Space, Spin, Typography } from 'antd';
import { lazy, Suspense, useEffect, useState, type ReactNode } from 'react';
import { Navigate, Route, Routes, useLocation, useNavigate } from 'react-router-dom';
import { session, type Tokens } from '../api/session';
import { label, ROLE } from '../lib/labels';
import { useLang } from './i18n';
import { Login } from './Login';

const Triage = lazy(() => import('./pages/Triage'));
const JointMeeting = lazy(() => import('./pages/JointMeeting'));
const UnitQueue = lazy(() => import('./pages/UnitQueue'));
const Wall = lazy(() => import('./pages/Wall'));
const Dashboards = lazy(() => import('./pages/Dashboards'));
const Admin = lazy(() => import('./pages/Admin'));
const Evaluator = lazy(() => import('./pages/Evaluator'));
const Projects = lazy(() => import('./pages/Projects'));
const Evaluation = lazy(() => import('./pages/Evaluation'));
const Knowledge = lazy(() => import('./pages/Knowledge'));
const Cycle = lazy(() => import('./pages/Cycle'));

interface Screen {
  path: string;
  zh: string;
  en: string;
  icon: ReactNode;
  roles: string[];
  element: ReactNode;
}

const SCREENS: Screen[] = [
  { path: '/triage', zh: '派单台', en: 'Triage', icon: <InboxOutlined />, roles: ['operator', 'dispatcher', 'supervisor'], element: <Triage /> },
  { path: '/joint-meeting', zh: '联席会议', en: 'Joint meeting', icon: <TeamOutlined />, roles: ['dispatcher'], element: <JointMeeting /> },
  { path: '/unit', zh: '办单台', en: 'Unit queue', icon: <UnorderedListOutlined />, roles: ['unit_handler', 'street_officer', 'district_officer', 'dispatcher', 'supervisor'], element: <UnitQueue /> },
  { path: '/knowledge', zh: '知识库', en: 'Knowledge base', icon: <BookOutlined />, roles: ['operator', 'dispatcher', 'unit_handler', 'supervisor', 'admin'], element: <Knowledge /> },
  { path: '/projects', zh: '项目', en: 'Projects', icon: <ProjectOutlined />, roles: ['supervisor', 'dispatcher', 'unit_handler', 'street_officer', 'district_officer', 'evaluator'], element: <Projects /> },
  // The annual cycle: phases, dates, the joint meeting's selection (docs/annual-cycle.md).
  { path: '/cycle', zh: '年度周期', en: 'Annual cycle', icon: <CalendarOutlined />, roles: ['dispatcher', 'supervisor', 'district_officer', 'admin'], element: <Cycle /> },
  { path: '/wall', zh: '督办墙', en: 'Supervision wall', icon: <AlertOutlined />, roles: ['supervisor', 'evaluator'], element: <Wall /> },
  { path: '/dashboards', zh: '三率看板', en: 'Rates', icon: <BarChartOutlined />, roles: ['supervisor', 'evaluator', 'admin'], element: <Dashboards /> },
  { path: '/evaluator', zh: '评估导出', en: 'Exports', icon: <DownloadOutlined />, roles: ['evaluator', 'supervisor', 'admin'], element: <Evaluator /> },
  { path: '/evaluation', zh: '年终评估', en: 'Evaluation', icon: <AuditOutlined />, roles: ['evaluator', 'supervisor', 'admin'], element: <Evaluation /> },
  { path: '/admin', zh: '系统管理', en: 'Administration', icon: <ApartmentOutlined />, roles: ['admin'], element: <Admin /> },
];

export const screensFor = (role: string) => SCREENS.filter((s) => s.roles.includes(role));

export function ConsoleApp() {
  const [tokens, setTokens] = useState<Tokens | null>(session.tokens);
  useEffect(() => session.onChange(setTokens), []);
  if (!tokens) return <Login />;
  return <Shell tokens={tokens} />;
}

function Shell({ tokens }: { tokens: Tokens }) {
  const { lang, setLang, t } = useLang();
  const navigate = useNavigate();
  const location = useLocation();
  const screens = screensFor(tokens.user.role);
  const home = screens[0]?.path ?? '/';
  const known = SCREENS.find((s) => location.pathname.startsWith(s.path));
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider breakpoint="lg" collapsedWidth={0} theme="light" width={200} style={{ borderRight: '1px solid #f0f0f0' }}>
        <div style={{ padding: '16px 20px', fontWeight: 700, fontSize: 18, color: '#c8102e' }}>
          <SolutionOutlined /> {t('点单 · 工作台', 'diandan console')}
        </div>
        <nav aria-label={t('主菜单', 'Main menu')}>
          <Menu
            mode="inline"
            selectedKeys={known ? [known.path] : []}
            items={screens.map((s) => ({ key: s.path, icon: s.icon, label: lang === 'zh' ? s.zh : s.en }))}
            onClick={({ key }) => navigate(key)}
          />
        </nav>
      </Layout.Sider>
      <Layout>
        <Layout.Header style={{ background: '#fff', padding: '0 24px', display: 'flex', alignItems: 'center', justifyContent: 'space-between', borderBottom: '1px solid #f0f0f0' }}>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {known ? (lang === 'zh' ? known.zh : known.en) : ''}
          </Typography.Title>
          <Space>
            <span data-testid="whoami">
              {tokens.user.displayName || tokens.user.username} · {label(ROLE, tokens.user.role, lang)}
            </span>
            <Segmented aria-label={t('语言', 'Language')} size="small" value={lang} onChange={(v) => setLang(v as 'zh' | 'en')} options={[{ label: '中文', value: 'zh' }, { label: 'EN', value: 'en' }]} />
            <Button icon={<LogoutOutlined />} onClick={() => session.logout()}>
              {t('退出', 'Log out')}
            </Button>
          </Space>
        </Layout.Header>
        <Layout.Content style={{ padding: 24 }}>
          <Suspense fallback={<Spin size="large" style={{ display: 'block', marginTop: 80 }} />}>
            <Routes>
              {screens.map((s) => (
                <Route key={s.path} path={`${s.path}/*`} element={s.element} />
              ))}
              <Route path="/" element={<Navigate to={home} replace />} />
              <Route
                path="*"
                element={
                  SCREENS.some((s) => location.pathname.startsWith(s.path)) ? (
                    <Result status="403" title="403" subTitle={t('您的角色不能使用这个页面', 'Your role cannot use this screen')} extra={<Button onClick={() => navigate(home)}>{t('回到首页', 'Back')}</Button>} />
                  ) : (
                    <Result status="404" title="404" subTitle={t('没有这个页面', 'No such page')} extra={<Button onClick={() => navigate(home)}>{t('回到首页', 'Back')}</Button>} />
                  )
                }
              />
            </Routes>
          </Suspense>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
