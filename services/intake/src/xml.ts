// XML in and out. Input is parsed with no DTD at all: a document that declares one (the road to
// external entities and entity bombs) is refused outright, and entities are never expanded.
import { HttpError } from '@diandan/platform';
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';

const DTD = /<!\s*(DOCTYPE|ENTITY|ELEMENT|ATTLIST)/i;

const parser = new XMLParser({
  processEntities: false,
  htmlEntities: false,
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  parseTagValue: false,
  trimValues: true,
  cdataPropName: false,
});

/** Parses a small XML document into plain strings and objects, or answers 400. */
export function parseXml(text: string): Record<string, unknown> {
  if (DTD.test(text)) throw new HttpError(400, 'bad_request', 'XML with a DOCTYPE or entity declarations is not accepted');
  if (XMLValidator.validate(text) !== true) throw new HttpError(400, 'bad_request', 'request body is not well-formed XML');
  try {
    const parsed: unknown = parser.parse(text);
    if (typeof parsed !== 'object' || parsed === null) throw new Error('not a document');
    return parsed as Record<string, unknown>;
  } catch {
    throw new HttpError(400, 'bad_request', 'request body is not well-formed XML');
  }
}

const builder = new XMLBuilder({ format: false, ignoreAttributes: true, suppressEmptyNode: false, processEntities: true });
const cdataBuilder = new XMLBuilder({ format: false, cdataPropName: '#cdata', suppressEmptyNode: false });

export const xmlDeclaration = '<?xml version="1.0" encoding="utf-8"?>';

/** Escaped elements, e.g. for Open311: `{ services: { service: [...] } }`. */
export const buildXml = (document: Record<string, unknown>): string => `${xmlDeclaration}${builder.build(document) as string}`;

/** CDATA text values, as WeChat's messages use them (the builder splits a `]]>` inside a value). */
export function buildCdataXml(root: string, fields: Record<string, string | number>): string {
  const body: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) {
    body[name] = typeof value === 'number' ? value : { '#cdata': value };
  }
  return cdataBuilder.build({ [root]: body }) as string;
}

/** A parsed element's text, whatever shape the parser gave it. */
export function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}
