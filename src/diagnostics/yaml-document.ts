// YAML parsing that keeps source positions, so every later problem can name the file, line and column of the
// key or value it is about.

import { LineCounter, isAlias, isMap, isPair, isScalar, isSeq, parseAllDocuments } from 'yaml';
import type { Document, Node, Pair } from 'yaml';
import type { Diagnostic, SourcePosition } from './diagnostic.js';
import type { JsonPath } from './json-pointer.js';

/** The billion-laughs guard: documents that expand more aliases than this are refused. */
export const MAX_ALIAS_COUNT = 100;

export type LocateTarget = 'key' | 'value';

export interface YamlDocument {
  file: string;
  /** 0-based index of the document within its file. */
  index: number;
  /** The document as plain data. */
  value: unknown;
  /** Where the document's content starts. */
  start: SourcePosition;
  /**
   * Position of the node at `path`. With `key`, the key that holds it (better for "unknown key" and "missing
   * key" problems). A path that does not exist resolves to its deepest existing ancestor.
   */
  locate(path: JsonPath, target?: LocateTarget): SourcePosition;
}

export interface ParsedYamlFile {
  documents: YamlDocument[];
  diagnostics: Diagnostic[];
}

/**
 * Parses every document of a file. Syntax errors become diagnostics; documents with errors are left out. Each
 * document is parsed on its own (YAML forbids a `---` line inside any scalar), so an unclosed quote or bracket in
 * one document cannot swallow the documents after it, and their problems are still reported.
 */
export function parseYamlFile(file: string, text: string): ParsedYamlFile {
  const documents: YamlDocument[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const item of eachYamlDocument(file, text)) {
    if ('locate' in item) documents.push(item);
    else diagnostics.push(item);
  }
  return { documents, diagnostics };
}

/**
 * The same, one document (or problem) at a time, so a caller that is done with a document lets it go: a file of
 * 200,000 documents is checked in the memory of one. An empty document (nothing, or `{}`) is not a document.
 */
export function* eachYamlDocument(file: string, text: string): Generator<YamlDocument | Diagnostic> {
  // Positions are file-wide: the line starts of the whole text, found once.
  const lineCounter = new LineCounter();
  lineCounter.addNewLine(0);
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) lineCounter.addNewLine(at + 1);
  let index = 0;
  for (const segmentStart of documentSegments(text)) {
    const segmentEnd = nextSegmentStart(text, segmentStart);
    const segment = text.slice(segmentStart, segmentEnd);
    const position = (offset: number): SourcePosition => {
      const { line, col } = lineCounter.linePos(segmentStart + offset);
      return { file, line, column: col };
    };
    const parsed = parseAllDocuments(segment, { uniqueKeys: true, prettyErrors: false, strict: true });
    // parseAllDocuments returns an EmptyStream (not an array) for a text with no documents at all.
    for (const doc of Array.isArray(parsed) ? parsed : []) {
      const docIndex = index++;
      for (const error of doc.errors) {
        yield {
          ...position(error.pos[0]),
          export: null,
          message: syntaxMessage(error.code, error.message, keyAt(segment, error.pos[0])),
          rule: `yaml/${error.code.toLowerCase().replace(/_/g, '-')}`,
        };
      }
      if (doc.errors.length > 0 || doc.contents === null) continue;
      const start = position(doc.contents.range[0]);
      let value: unknown;
      try {
        value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
      } catch (error) {
        yield {
          ...start,
          export: null,
          message: `the document expands too many aliases (more than ${MAX_ALIAS_COUNT}); inline the repeated values instead of aliasing them (${(error as Error).message})`,
          rule: 'yaml/alias-limit',
        };
        continue;
      }
      if (value === null || value === undefined || isEmptyMapping(value)) continue;
      yield {
        file,
        index: docIndex,
        value,
        start,
        locate: (path, target = 'value') => position(locateOffset(doc, path, target)),
      };
    }
  }
}

function isEmptyMapping(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0;
}

const DOCUMENT_START = /^---(?=[ \t\r]|$)/gm;

/** Where each document's text begins: the file's start, and every `---` line. */
function documentSegments(text: string): number[] {
  const starts = [0];
  for (const match of text.matchAll(DOCUMENT_START)) if (match.index > 0) starts.push(match.index);
  return starts;
}

function nextSegmentStart(text: string, from: number): number {
  DOCUMENT_START.lastIndex = from + 1;
  const next = DOCUMENT_START.exec(text);
  return next === null ? text.length : next.index;
}

/** The key written at `offset`, for messages: plain, single- or double-quoted. */
function keyAt(text: string, offset: number): string {
  const match = /^("(?:[^"\\]|\\.)*"|'[^']*'|[^:,{}[\]\n]+)/.exec(text.slice(offset, offset + 200));
  return (match?.[1] ?? '').trim().replace(/^["']|["']$/g, '');
}

function syntaxMessage(code: string, message: string, excerpt: string): string {
  // yaml's own messages carry a code excerpt when prettyErrors is on; we print positions ourselves.
  const firstLine = message.split('\n')[0] ?? message;
  if (code === 'DUPLICATE_KEY')
    return `duplicate key ${JSON.stringify(excerpt)}: it appears twice in the same map; remove or rename one of them`;
  // `name: a: b` reads as a map inside a value; a colon meant as text needs quotes.
  if (code === 'BLOCK_AS_IMPLICIT_KEY')
    return `YAML syntax error: ${firstLine}. A value that contains ": " must be quoted, e.g. name: "a: b"`;
  return `YAML syntax error: ${firstLine}`;
}

function locateOffset(doc: Document.Parsed, path: JsonPath, target: LocateTarget): number {
  let node: Node | null = doc.contents;
  let viaKey: Node | null = null;
  let resolvedAll = true;
  for (const segment of path) {
    const current = resolveAlias(doc, node);
    const next = current === null ? undefined : childOf(current, segment);
    if (next === undefined) {
      resolvedAll = false;
      break;
    }
    node = next.value;
    viaKey = next.key;
  }
  // A missing child is reported at its parent, by the key that names the parent when there is one.
  const preferKey = target === 'key' || !resolvedAll || node === null;
  const chosen = preferKey && viaKey !== null ? viaKey : (node ?? viaKey);
  return chosen?.range?.[0] ?? doc.contents?.range[0] ?? 0;
}

function childOf(node: Node, segment: string | number): { key: Node | null; value: Node | null } | undefined {
  if (isMap(node)) {
    const pair = node.items.find((item: Pair) => isScalar(item.key) && String(item.key.value) === String(segment));
    if (pair === undefined || !isPair(pair)) return undefined;
    return { key: pair.key as Node, value: (pair.value as Node | null) ?? null };
  }
  if (isSeq(node)) {
    const item = node.items[Number(segment)];
    return item === undefined ? undefined : { key: null, value: item as Node };
  }
  return undefined;
}

function resolveAlias(doc: Document.Parsed, node: Node | null): Node | null {
  if (node !== null && isAlias(node)) return (node.resolve(doc) as Node | undefined) ?? null;
  return node;
}
