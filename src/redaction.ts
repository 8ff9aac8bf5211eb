// The last line of defence for secrets: every secret the process learns is registered here, and every text that
// leaves the process through an error or a log line passes through `redactSecrets`.

const REDACTED = '[REDACTED]';
const secrets = new Set<string>();

// Shapes that hold secrets whatever their value: bearer tokens, and token or secret fields in JSON or forms.
const SECRET_SHAPES: [RegExp, string][] = [
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g, `$1 ${REDACTED}`],
  [/("?(?:access_token|refresh_token|id_token|client_secret|password|accessKeySecret|secret|token)"?\s*[:=]\s*"?)[^"&\s,}]+/gi, `$1${REDACTED}`],
];

/** Registers a secret, with the encodings it may travel in (URL encoding, Basic auth's base64 is shape-matched). */
export function registerSecret(value: string | undefined): void {
  if (value === undefined || value.length < 4) return;
  secrets.add(value);
  secrets.add(encodeURIComponent(value));
  secrets.add(new URLSearchParams({ v: value }).toString().slice(2));
  secrets.add(JSON.stringify(value).slice(1, -1));
}

export function redactSecrets(text: string): string {
  let out = text;
  // Longest first, so a secret that contains another is removed whole.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) out = out.split(secret).join(REDACTED);
  for (const [pattern, replacement] of SECRET_SHAPES) out = out.replace(pattern, replacement);
  return out;
}
