// A strict XML well-formedness check for generated SVG: one root, balanced tags, quoted unique attributes, only known entities.

const namePattern = '[A-Za-z_][\\w.:-]*';
const startTag = new RegExp(`<(${namePattern})((?:\\s+${namePattern}\\s*=\\s*(?:"[^"<]*"|'[^'<]*'))*)\\s*(/?)>`, 'y');
const endTag = new RegExp(`</(${namePattern})\\s*>`, 'y');
const attribute = new RegExp(`(${namePattern})\\s*=\\s*(?:"([^"]*)"|'([^']*)')`, 'g');
const badAmpersand = /&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9A-Fa-f]+);)/;

/** Returns the first problem found, or undefined when `xml` is well-formed. */
export function xmlProblem(xml: string): string | undefined {
  let position = xml.startsWith('<?xml') ? xml.indexOf('?>') + 2 : 0;
  if (position === 1) return 'unterminated XML declaration';
  const open: string[] = [];
  let roots = 0;
  while (position < xml.length) {
    const next = xml.indexOf('<', position);
    const text = xml.slice(position, next === -1 ? xml.length : next);
    if (badAmpersand.test(text)) return `bare & in text near offset ${position}`;
    if (open.length === 0 && text.trim() !== '') return `text outside the root element near offset ${position}`;
    if (next === -1) break;
    position = next;
    if (xml.startsWith('<!--', position)) {
      const end = xml.indexOf('-->', position);
      if (end === -1) return 'unterminated comment';
      position = end + 3;
      continue;
    }
    endTag.lastIndex = position;
    const closing = endTag.exec(xml);
    if (closing) {
      const expected = open.pop();
      if (expected !== closing[1]) return `</${closing[1]}> closes <${expected ?? 'nothing'}> at offset ${position}`;
      position = endTag.lastIndex;
      continue;
    }
    startTag.lastIndex = position;
    const opening = startTag.exec(xml);
    if (!opening) return `malformed tag at offset ${position}: ${xml.slice(position, position + 60)}`;
    const names = new Set<string>();
    for (const match of opening[2]!.matchAll(attribute)) {
      if (names.has(match[1]!)) return `duplicate attribute ${match[1]} at offset ${position}`;
      names.add(match[1]!);
      if (badAmpersand.test(match[2] ?? match[3] ?? '')) return `bare & in attribute ${match[1]} at offset ${position}`;
    }
    if (open.length === 0) roots += 1;
    if (roots > 1) return 'more than one root element';
    if (opening[3] !== '/') open.push(opening[1]!);
    position = startTag.lastIndex;
  }
  if (open.length > 0) return `unclosed <${open.at(-1)}>`;
  return roots === 1 ? undefined : 'no root element';
}
