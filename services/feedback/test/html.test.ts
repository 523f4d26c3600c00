// The board's HTML template escapes whatever it is given.
import { html } from '../src/board/html';

describe('html template', () => {
  it('html.escapeCheck: text with markup is escaped, fragments are kept', () => {
    const evil = '<script>alert("x")</script>&\'';
    const out = html`<p title="${evil}">${evil}${[html`<b>${evil}</b>`]}</p>`.text;
    expect(out).not.toContain('<script>');
    expect(out).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;');
    expect(out).toContain('<b>&lt;script&gt;');
  });
});
