// Scrubbing personal data (PIPL) out of free Chinese text before the public or an evaluator sees
// it: names, mobile and landline numbers, ID card numbers, e-mail, WeChat/QQ ids and house
// numbers. The rules err on the side of hiding: a long number that is not a phone still goes, a
// road name stays but its house number does not. Numbers go first, so that the address rules
// never see half a phone number.

export const MASK = '***';
export const NAME_MASK = '某某';
export const ADDRESS_MASK = '[地址已隐去]';

/**
 * The common surnames, and the compound ones that still occur. Left out on purpose: surnames that
 * are everyday words before a form of address (向老师反映, 中文老师, 承包老板, 师姐, 和老板说).
 */
const SINGLE_SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔汤常温康施牛樊葛邢易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿兰焦俞左柳甘祝宁尚符舒阮柯纪梅童凌毕季裴霍涂苗谷盛曲翁冉骆蓝游辛靳柴蒙鲍喻祁蒲滕屈饶牟艾尤阳穆农司卓吉缪简项芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂佟臧闵苟邬边卞姬仇栾隋刁沙荣巫寇桑郎甄丛仲虞敖巩佘池查麻苑迟邝';
const COMPOUND_SURNAMES = ['欧阳', '司马', '诸葛', '上官', '东方', '皇甫', '尉迟', '公孙', '慕容', '令狐', '长孙', '宇文', '司徒', '夏侯'];
const SURNAME = `(?:${COMPOUND_SURNAMES.join('|')}|[${SINGLE_SURNAMES}])`;
const HAN = '[\\u4e00-\\u9fa5]';
const HONORIFICS = '先生|女士|小姐|阿姨|大爷|大妈|大娘|师傅|老师|同志|奶奶|爷爷|大姐|大哥|阿婆|老伯|姐|哥|老板|经理|主任|书记|医生|律师';
// 来信人/写信人/寄信人: how letters (信访来信, entered by the letter box's operators) name their sender.
const NAME_LABELS = '姓名|联系人|申请人|反映人|来电人|来信人|写信人|寄信人|投诉人|求助人|当事人|户主|监护人|收件人|签名|家长';
/** Where a name stops: punctuation, space, the end, or the words that usually follow one. */
const NAME_END = `(?=[，,。.；;、：:！!？?）)\\s*\\d[]|$|电话|手机|联系|住|家住|身份证|来电|反映|今年|男|女|，)`;

interface Rule {
  name: string;
  pattern: RegExp;
  replace: string | ((match: string, ...groups: string[]) => string);
}

const RULES: readonly Rule[] = [
  // e-mail before the numbers: 13800138000@163.com is an address, not a phone.
  { name: 'email', pattern: /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g, replace: MASK },
  // ID card: 18 digits (last may be X), also written in groups; the old 15-digit form.
  {
    name: 'id-card',
    pattern: /(?<![\dA-Za-z])\d{6}[\s-]?(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])[\s-]?\d{3}[\dXx](?![\dA-Za-z])/g,
    replace: MASK,
  },
  {
    name: 'id-card-15',
    pattern: /(?<!\d)\d{6}\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}(?!\d)/g,
    replace: MASK,
  },
  // Mobile: 1[3-9]x xxxx xxxx, with +86 / 0086 / 86 and spaces or dashes anywhere between groups.
  {
    name: 'mobile',
    pattern: /(?<!\d)(?:(?:\+|00)?86[\s-]?)?1[3-9](?:[\s-]?\d){9}(?!\d)/g,
    replace: MASK,
  },
  // Landline: (023) 6789 1234, 023-67891234, 0755 8888 6666, with an optional extension.
  {
    name: 'landline',
    pattern: /(?<!\d)(?:\(0\d{2,3}\)|（0\d{2,3}）|0\d{2,3})[\s-]?\d{3,4}[\s-]?\d{4}(?:\s*(?:转|-|ext\.?)\s*\d{1,5})?(?!\d)/gi,
    replace: MASK,
  },
  // Labelled accounts: WeChat, QQ. The label stays so the sentence still reads.
  {
    name: 'wechat',
    pattern: /(微信号?|[Vv][Xx]号?|[Ww][Xx]号?|V信|威信|weixin|WeChat)(\s*(?:是|为|[:：])?\s*)(?:wxid_)?[A-Za-z0-9][-_A-Za-z0-9]{4,24}/g,
    replace: (_m, label: string, sep: string) => `${label}${sep}${MASK}`,
  },
  { name: 'qq', pattern: /([Qq]{2}号?)(\s*(?:是|为|[:：])?\s*)\d{5,12}/g, replace: (_m, label: string, sep: string) => `${label}${sep}${MASK}` },
  // A local number without its area code: 6789-1234.
  { name: 'local-landline', pattern: /(?<![\d-])[2-9]\d{3}-\d{4}(?![\d-])/g, replace: MASK },
  // Whatever long number is left (bank cards, IDs in odd groups, a bare landline). Dashes are not
  // followed here: 2024-03-15 is a date.
  { name: 'long-number', pattern: /\d(?: ?\d){6,}/g, replace: MASK },

  // House numbers: 3栋2单元501, 18号楼1203室, 5幢302, 3-2-501, 1203室, 幸福路88号.
  {
    name: 'building',
    pattern: /(?:[0-9A-Za-z]+\s*(?:栋|幢|号楼|座|号院|#楼?)|[一二三四五六七八九十]+\s*(?:栋|幢|号楼))\s*(?:[0-9一二三四五六七八九十]+\s*单元)?\s*(?:[0-9]+\s*(?:室|号|户|房)?)?(?:\s*[0-9]+\s*(?:室|号|户|房))?/g,
    replace: ADDRESS_MASK,
  },
  { name: 'unit-room', pattern: /[0-9一二三四五六七八九十]+\s*单元\s*(?:[0-9]+\s*(?:室|号|户|房)?)?/g, replace: ADDRESS_MASK },
  { name: 'dashed-room', pattern: /(?<![\d-])\d{1,3}-\d{1,2}-\d{3,4}(?![\d-])/g, replace: ADDRESS_MASK },
  // Not 户 or 房: "1200户居民", "1500房租" are no addresses.
  { name: 'room', pattern: /(?<!\d)\d{3,4}\s*(?:室|房间)/g, replace: ADDRESS_MASK },
  {
    name: 'street-number',
    pattern: new RegExp(`(${HAN}{1,10}?(?:路|街|巷|弄|大道|胡同|里|村|组))\\s*[0-9一二三四五六七八九十百]+\\s*(?:号|弄|组|号院)(?:[0-9]+号)?`, 'g'),
    replace: (_m, road: string) => `${road}${ADDRESS_MASK}`,
  },

  // Names with a label or an introduction: 联系人：李华, 我叫王小明, 本人张三.
  // After a colon any two to four characters are the name; without one only a surname starts it.
  {
    name: 'labelled-name',
    pattern: new RegExp(`(${NAME_LABELS})(\\s*[:：]\\s*)${HAN}{2,4}?${NAME_END}`, 'g'),
    replace: (_m, label: string, sep: string) => `${label}${sep}${NAME_MASK}`,
  },
  {
    name: 'label-surname-name',
    pattern: new RegExp(`(${NAME_LABELS})(\\s*)${SURNAME}${HAN}{1,2}?${NAME_END}`, 'g'),
    replace: (_m, label: string, sep: string) => `${label}${sep}${NAME_MASK}`,
  },
  {
    name: 'introduced-name',
    pattern: new RegExp(`(我叫|我是|本人|名叫|叫做|我姓名是|叫)(\\s*)${SURNAME}${HAN}{1,2}?${NAME_END}`, 'g'),
    replace: (_m, intro: string, space: string) => `${intro}${space}${NAME_MASK}`,
  },
  // 张先生, 王阿姨, 欧阳女士: the surname goes, the form of address stays.
  {
    name: 'honorific',
    pattern: new RegExp(`${SURNAME}(${HONORIFICS})`, 'g'),
    replace: (_m, honorific: string) => `某${honorific}`,
  },
];

/** The text without the personal data the rules recognise, still readable. */
export function scrub(text: string): string {
  let out = text;
  for (const rule of RULES) out = out.replace(rule.pattern, rule.replace as (substring: string, ...args: string[]) => string);
  return out;
}

/** Scrubs each string field of a record that is present (for rows going out of the building). */
export const scrubOptional = (text: string | null | undefined): string | null => (text === null || text === undefined ? null : scrub(text));

/** A phone or ID card number still in the text: what must never reach the public. */
export function findPersonalNumber(text: string): string | null {
  const patterns = [/1[3-9](?:[\s-]?\d){9}/, /\d{6}[\s-]?\d{8}[\s-]?\d{3}[\dXx]/, /\d(?: ?\d){6,}/];
  for (const pattern of patterns) {
    const match = pattern.exec(text);
    if (match) return match[0];
  }
  return null;
}
