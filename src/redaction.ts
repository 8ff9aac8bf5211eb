// The last line of defence for secrets: every secret the process learns is registered here, and every text that
// leaves the process through an error or a log line passes through `redactSecrets`.

const REDACTED = '[REDACTED]';
const secrets = new Set<string>();
/** The secrets in the order they are removed; made again after one is registered (every audit line passes). */
let longestFirst: string[] | undefined;

// Shapes that hold secrets whatever their value: bearer tokens, and token or secret fields in JSON or forms.
const SECRET_SHAPES: [RegExp, string][] = [
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g, `$1 ${REDACTED}`],
  // The value stops at punctuation that help text puts after "token=" (`(?token=)`, `?token=…`), which is no token.
  [
    /("?(?:access_token|refresh_token|id_token|client_secret|password|accessKeySecret|secret|token)"?\s*[:=]\s*"?)[^"&\s,}()\u2026]+/gi,
    `$1${REDACTED}`,
  ],
];

/** Registers a secret, with the encodings it may travel in: URL and JSON escaping, hex, and base64. */
export function registerSecret(value: string | undefined): void {
  if (value === undefined || value.length < 4) return;
  longestFirst = undefined;
  secrets.add(value);
  secrets.add(encodeURIComponent(value));
  secrets.add(new URLSearchParams({ v: value }).toString().slice(2));
  secrets.add(JSON.stringify(value).slice(1, -1));
  const bytes = Buffer.from(value, 'utf8');
  secrets.add(bytes.toString('hex'));
  secrets.add(bytes.toString('hex').toUpperCase());
  for (const encoded of base64Cores(bytes)) {
    secrets.add(encoded);
    secrets.add(encoded.replace(/\+/g, '-').replace(/\//g, '_'));
  }
}

/**
 * What base64 makes of a secret wherever it sits in a longer value (a Basic header is base64 of "id:secret"):
 * for each of the three alignments, the characters of the groups that hold only the secret's bytes. Those are
 * the same whatever surrounds the secret.
 */
function base64Cores(bytes: Buffer): string[] {
  const cores: string[] = [];
  for (let before = 0; before < 3; before++) {
    const encoded = Buffer.concat([Buffer.alloc(before), bytes]).toString('base64');
    const firstWholeGroup = before === 0 ? 0 : 1;
    const wholeGroups = Math.floor((before + bytes.length) / 3);
    const core = encoded.slice(firstWholeGroup * 4, wholeGroups * 4);
    // Too short a core would match ordinary text; secrets are long enough for this never to drop one.
    if (core.length >= 8) cores.push(core);
  }
  return cores;
}

export function redactSecrets(text: string): string {
  let out = text;
  // Longest first, so a secret that contains another is removed whole.
  longestFirst ??= [...secrets].sort((a, b) => b.length - a.length);
  for (const secret of longestFirst) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  for (const [pattern, replacement] of SECRET_SHAPES) out = out.replace(pattern, replacement);
  return out;
}
