// The CSV export format as CXone accepts it (docs/design/cxone-contract.md §2), shared by validation, the client and
// the simulator.

/** CXone's hard cap on `maxRows`; a team may lower it in config. */
export const HARD_MAX_ROWS = 5_000_000;

export const DELIMITER_NAMES = ['comma', 'pipe', 'semicolon', 'tab'] as const;
export type DelimiterName = (typeof DELIMITER_NAMES)[number];

export const DELIMITER_CHARACTERS: Readonly<Record<DelimiterName, string>> = {
  comma: ',',
  pipe: '|',
  semicolon: ';',
  tab: '\t',
};

/** `comma` or `,` -> `,`; undefined for anything CXone does not accept. */
export function delimiterCharacter(nameOrCharacter: string): string | undefined {
  if (nameOrCharacter in DELIMITER_CHARACTERS) return DELIMITER_CHARACTERS[nameOrCharacter as DelimiterName];
  return Object.values(DELIMITER_CHARACTERS).includes(nameOrCharacter) ? nameOrCharacter : undefined;
}

/** `,` or `comma` -> `comma`. */
export function delimiterName(nameOrCharacter: string): DelimiterName | undefined {
  const character = delimiterCharacter(nameOrCharacter);
  return DELIMITER_NAMES.find((name) => DELIMITER_CHARACTERS[name] === character);
}

/** The format fields a definition may leave out, with the values a definition gets when it leaves them out. */
export interface FormatDefaults {
  delimiter: string;
  quoteCharacter: string;
  escapeCharacter: string;
  columnAlignment: boolean;
  sanitizeSpecialCharacters: boolean;
}

export const BUILT_IN_FORMAT_DEFAULTS: Readonly<FormatDefaults> = {
  delimiter: 'comma',
  quoteCharacter: '"',
  escapeCharacter: '"',
  columnAlignment: true,
  sanitizeSpecialCharacters: true,
};

/** Length in characters as a user counts them (code points), not UTF-16 units. */
export function characterCount(value: string): number {
  return [...value].length;
}
