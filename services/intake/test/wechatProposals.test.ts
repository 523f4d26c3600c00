// The WeChat keywords of the annual call, as residents type them: what is a proposal or a support,
// what is a malformed one (answered with the format), and what is an ordinary message (an order).
import { parseProposalText, titleOf } from '../src/channels/wechatProposals';

describe('WeChat 提议 / 附议 keywords', () => {
  it.each([
    ['提议 社区开设四点半课堂', { kind: 'propose', text: '社区开设四点半课堂' }],
    ['提议：社区食堂', { kind: 'propose', text: '社区食堂' }],
    ['提议\u3000篮球场照明', { kind: 'propose', text: '篮球场照明' }],
    ['提议', { kind: 'malformed', of: 'propose' }],
    ['附议 P-1A2B-3C4D', { kind: 'support', reference: 'P-1A2B-3C4D' }],
    ['附议p-1a2b-3c4d', { kind: 'support', reference: 'P-1A2B-3C4D' }],
    ['附议：1A2B 3C4D', { kind: 'support', reference: 'P-1A2B-3C4D' }],
    ['附议 P－1A2B－3C4D', { kind: 'support', reference: 'P-1A2B-3C4D' }],
    ['附议 P-12', { kind: 'malformed', of: 'support' }],
    ['附议', { kind: 'malformed', of: 'support' }],
    ['附议 DD-7K3M-Q9TB', { kind: 'malformed', of: 'support' }],
  ])('parseProposalText.keywordCheck: %s', (text, expected) => {
    expect(parseProposalText(text)).toEqual(expected);
  });

  it.each(['提议一下楼道灯的事', '附议是什么意思', '楼道灯不亮', '评价 DD-7K3M-Q9TB 满意', '我想提议'])('parseProposalText.ordinaryMessageCheck: %s is an order, not a keyword', (text) => {
    expect(parseProposalText(text)).toBeNull();
  });

  it('titleOf.firstSentenceCheck: the first sentence or line, at most 30 characters', () => {
    expect(titleOf('社区开设四点半课堂。双职工家庭孩子放学无人看护')).toBe('社区开设四点半课堂');
    expect(titleOf('篮球场照明\n晚上太黑')).toBe('篮球场照明');
    const long = '希望'.repeat(20);
    expect([...titleOf(long)]).toHaveLength(30);
    expect(titleOf(long).endsWith('…')).toBe(true);
  });
});
