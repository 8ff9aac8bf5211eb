// Text that came from files or from CXone (a file's path, a name, an error message), made safe for where it is
// shown: a terminal must not obey a control character or an escape sequence, and Markdown must not read markup
// in it. A file named "aaa", newline, "<!--", newline ".yaml" would otherwise hide the rest of a PR comment.

// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNSEEN = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * The text with every control, bidirectional and invisible character shown as an escape (`\n`, `\u202e`), so
 * what a reader sees is what is there. Plain text is returned as it is.
 */
export function visibleText(text: string): string {
  return text.replace(UNSEEN, (c) => NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Left as they are in inline Markdown: letters, digits, the ASCII punctuation that neither Markdown nor GitHub's
 * extensions read as markup there (a parenthesis only matters after a `]`, which is escaped), and any other
 * character beyond ASCII, none of which is markup (the invisible ones are escapes by then).
 */
const PLAIN_IN_MARKDOWN = /[A-Za-z0-9 .,/=+\-:;()'"?!%^{}\u0080-\u{10ffff}]/u;

/**
 * The text for Markdown inline content (a table cell, a summary), as GitHub renders it: visible (see above), and
 * every other character a numeric entity, which Markdown decodes to text and never reads as markup: no HTML, no
 * code span, table pipe, emphasis, strike-through, link, math (`$`), mention (`@`) or issue reference (`#`).
 */
export function markdownText(text: string): string {
  let out = '';
  for (const c of visibleText(text)) out += PLAIN_IN_MARKDOWN.test(c) ? c : `&#${c.codePointAt(0)!};`;
  return out;
}

/** The text in monospace, for inline Markdown: the `<code>` element around markdownText's escaping. */
export function markdownCode(text: string): string {
  return `<code>${markdownText(text)}</code>`;
}

/** A code fence longer than any run of backticks in the body, so nothing in it can close the block. */
export function fenceFor(body: string): string {
  const longest = Math.max(0, ...(body.match(/`+/g) ?? []).map((run) => run.length));
  return '`'.repeat(Math.max(3, longest + 1));
}
