// A real-looking district for demos and tests: 江北区 (Chongqing), whose mass-organization
// federation runs the order-style service with the five service centres named below.
import type { Level, UnitKind } from '@diandan/domain';

export interface SeedUnit {
  id: string;
  name: string;
  kind: UnitKind;
  level: Level;
  parentId: string | null;
}

const FED = 'district-federation';

const streets: [id: string, name: string, communities: [string, string][]][] = [
  ['guanyinqiao', '观音桥街道', [['jianxin-north', '建新北路社区'], ['xinan', '西南村社区'], ['huaxincun', '华新村社区']]],
  ['wulidian', '五里店街道', [['wulidian-community', '五里店社区'], ['jiangbei-zhongyang', '中央公园社区']]],
  ['jiangbeicheng', '江北城街道', [['jiangbeizui', '江北嘴社区'], ['lianhuachi', '莲花池社区']]],
  ['shimahe', '石马河街道', [['nanqiaosi', '南桥寺社区'], ['shimahe-community', '石马河社区']]],
  ['dashiba', '大石坝街道', [['shiziguan', '石子山社区'], ['dashiba-community', '大石坝社区']]],
  ['cuntan', '寸滩街道', [['cuntan-community', '寸滩社区'], ['shuangxi', '双溪社区']]],
  ['yuzui', '鱼嘴镇', [['yuzui-hejin', '和锦社区'], ['yuzui-community', '鱼嘴社区']]],
  ['fusheng', '复盛镇', [['fusheng-community', '复盛社区']]],
];

export const DEMO_UNITS: SeedUnit[] = [
  { id: FED, name: '江北区群团工作联合会', kind: 'district_federation', level: 'district', parentId: null },
  { id: 'trade-union', name: '区总工会', kind: 'mass_org', level: 'district', parentId: FED },
  { id: 'youth-league', name: '团区委', kind: 'mass_org', level: 'district', parentId: FED },
  { id: 'womens-federation', name: '区妇联', kind: 'mass_org', level: 'district', parentId: FED },
  { id: 'hrss', name: '区人力资源和社会保障局', kind: 'district_department', level: 'district', parentId: FED },
  { id: 'justice', name: '区司法局', kind: 'district_department', level: 'district', parentId: FED },
  { id: 'health', name: '区卫生健康委员会', kind: 'district_department', level: 'district', parentId: FED },
  { id: 'public-security', name: '区公安分局', kind: 'district_department', level: 'district', parentId: FED },
  { id: 'civil-affairs', name: '区民政局', kind: 'district_department', level: 'district', parentId: FED },
  { id: 'education', name: '区教育委员会', kind: 'district_department', level: 'district', parentId: FED },
  { id: 'baiyun-center', name: '白云大厦职工服务综合基地', kind: 'service_center', level: 'street', parentId: 'trade-union' },
  ...streets.flatMap(([id, name, communities]) => [
    { id, name, kind: 'street' as const, level: 'street' as const, parentId: FED },
    { id: `${id}-services`, name: `${name}社会事务科`, kind: 'street_section' as const, level: 'street' as const, parentId: id },
    ...communities.map(([cid, cname]) => ({ id: cid, name: cname, kind: 'community' as const, level: 'community' as const, parentId: id })),
  ]),
  { id: 'junhao-site-center', name: '江北嘴俊豪工地党群服务中心', kind: 'service_center', level: 'community', parentId: 'jiangbeicheng' },
  { id: 'shuguang-park-center', name: '曙光工业园党群服务中心', kind: 'service_center', level: 'community', parentId: 'cuntan' },
  { id: 'hejin-housing-center', name: '鱼嘴和锦公租房党群服务中心', kind: 'service_center', level: 'community', parentId: 'yuzui' },
  { id: 'wulidian-center', name: '五里店党群服务中心', kind: 'service_center', level: 'community', parentId: 'wulidian' },
];

export interface SeedCategory {
  code: string;
  name: string;
  description: string;
  open311Code: string;
  keywords: string[];
  /** The responsible unit per level where the tree alone would not find it. */
  responsible: Partial<Record<Level, string>>;
  /** Overrides of the default deadline policy (working days to resolve, per level). */
  resolveDays?: Record<Level, number>;
  /** Never on a public surface (board, Open311 GET). */
  sensitive?: boolean;
}

export const DEMO_CATEGORIES: SeedCategory[] = [
  { code: 'train-tickets', name: '代购返乡火车票', description: '春运期间为外来务工人员代购返乡车票', open311Code: '101', keywords: ['火车票', '车票', '春运', '返乡'], responsible: { district: 'trade-union' }, resolveDays: { community: 3, street: 5, district: 7 } },
  { code: 'wage-arrears', name: '欠薪求助', description: '拖欠工资、农民工工资清欠', open311Code: '102', keywords: ['欠薪', '工资', '拖欠'], responsible: { district: 'hrss' }, resolveDays: { community: 3, street: 5, district: 10 } },
  { code: 'rights-protection', name: '职工维权', description: '劳动合同、加班、社保等劳动权益', open311Code: '103', keywords: ['维权', '劳动合同', '加班'], responsible: { district: 'trade-union' } },
  { code: 'legal-advice', name: '法律咨询', description: '免费法律咨询与法律援助', open311Code: '104', keywords: ['法律', '律师', '援助'], responsible: { district: 'justice' } },
  { code: 'health-checkup', name: '职工健康体检', description: '一线职工、环卫工人免费体检', open311Code: '105', keywords: ['体检', '健康'], responsible: { district: 'health' } },
  { code: 'anti-fraud', name: '反诈宣讲', description: '进社区、进工地的防诈骗宣讲', open311Code: '106', keywords: ['诈骗', '反诈'], responsible: { district: 'public-security' } },
  { code: 'after-school', name: '四点半课堂', description: '双职工子女放学后托管', open311Code: '107', keywords: ['四点半', '托管', '放学'], responsible: { district: 'youth-league' } },
  { code: 'elderly-canteen', name: '老年食堂', description: '社区老年助餐', open311Code: '108', keywords: ['老年', '助餐', '食堂'], responsible: { district: 'civil-affairs' } },
  { code: 'job-training', name: '就业技能培训', description: '技能培训与就业推荐', open311Code: '109', keywords: ['培训', '就业', '技能'], responsible: { district: 'hrss' } },
  { code: 'pension', name: '养老保险咨询', description: '养老保险缴费、转移与领取', open311Code: '110', keywords: ['养老', '社保', '退休'], responsible: { district: 'hrss' } },
  { code: 'work-injury', name: '工伤认定与理赔', description: '工伤认定、劳动能力鉴定与待遇', open311Code: '111', keywords: ['工伤', '受伤'], responsible: { district: 'hrss' } },
  { code: 'online-membership', name: '工会会员网上入会', description: '新就业形态劳动者网上入会', open311Code: '112', keywords: ['入会', '会员', '工会'], responsible: { district: 'trade-union' }, resolveDays: { community: 2, street: 3, district: 5 } },
  { code: 'women-children', name: '妇女儿童权益', description: '家庭纠纷、妇女儿童权益保护', open311Code: '113', keywords: ['妇女', '儿童'], responsible: { district: 'womens-federation' } },
  { code: 'domestic-violence', name: '家暴求助', description: '家庭暴力求助与庇护（不公开）', open311Code: '114', keywords: ['家暴', '家庭暴力', '殴打'], responsible: { district: 'womens-federation' }, resolveDays: { community: 1, street: 2, district: 3 }, sensitive: true },
];
