// Demo staff of 江北区, one per role (unit handlers at three levels). DEMO ONLY: the password is
// public (docs/dispatch.md); a real deployment creates its users through the admin API.
export const DEMO_PASSWORD = 'diandan-demo-2026';

export interface SeedUser {
  username: string;
  role: 'operator' | 'dispatcher' | 'unit_handler' | 'street_officer' | 'district_officer' | 'supervisor' | 'evaluator' | 'admin';
  unitId: string | null;
  displayName: string;
}

export const DEMO_USERS: SeedUser[] = [
  { username: 'operator', role: 'operator', unitId: null, displayName: '热线接线员 王芳' },
  { username: 'dispatcher', role: 'dispatcher', unitId: 'district-federation', displayName: '联席会议派单员 李强' },
  { username: 'handler-jianxin', role: 'unit_handler', unitId: 'jianxin-north', displayName: '建新北路社区 张敏' },
  { username: 'handler-guanyinqiao', role: 'unit_handler', unitId: 'guanyinqiao', displayName: '观音桥街道 刘洋' },
  { username: 'handler-union', role: 'unit_handler', unitId: 'trade-union', displayName: '区总工会 陈静' },
  // Officers work what climbs to their level and dispatch it down (docs/dispatch.md).
  { username: 'officer-guanyinqiao', role: 'street_officer', unitId: 'guanyinqiao', displayName: '观音桥街道 分管领导 周涛' },
  { username: 'officer-district', role: 'district_officer', unitId: 'district-federation', displayName: '区群团联合会 值班领导 吴刚' },
  { username: 'supervisor', role: 'supervisor', unitId: 'district-federation', displayName: '督办 赵磊' },
  { username: 'evaluator', role: 'evaluator', unitId: null, displayName: '第三方评估 孙丽' },
  { username: 'admin', role: 'admin', unitId: null, displayName: '平台管理员' },
];
