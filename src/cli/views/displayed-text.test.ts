import { describe, expect, it } from 'vitest';
import { fenceFor, markdownCode, markdownText, visibleText } from './displayed-text.js';

describe('text from files, as it is shown', () => {
  it('shows line breaks, controls, bidirectional and invisible characters as escapes', () => {
    expect(visibleText('a\nb\tc\u001b[31m\u202eevil\u200b')).toBe('a\\nb\\tc\\u001b[31m\\u202eevil\\u200b');
    expect(visibleText('exports/plain-name.yaml')).toBe('exports/plain-name.yaml');
  });

  it('leaves no Markdown or HTML markup in inline text, and keeps prose and non-ASCII text readable', () => {
    expect(markdownText('a|b `c` <!-- *d* _e_ [f](g) @h #1 ~i~ $j$ \\k &amp;')).toBe(
      'a&#124;b &#96;c&#96; &#60;!-- &#42;d&#42; &#95;e&#95; &#91;f&#93;(g) &#64;h &#35;1 &#126;i&#126; &#36;j&#36; &#92;k &#38;amp;',
    );
    expect(markdownText('must be ≥ 1, not 0; see (it): "é"')).toBe('must be ≥ 1, not 0; see (it): "é"');
    expect(markdownCode('aaa\n<!--')).toBe('<code>aaa&#92;n&#60;!--</code>');
  });

  it('fences a block with more backticks than any run inside it', () => {
    expect(fenceFor('no ticks')).toBe('```');
    expect(fenceFor('a ```` b')).toBe('`````');
  });
});
