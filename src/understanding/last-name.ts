// Last names: "Smith", "it's Smith, S M I T H", "S as in Sam M I T H", "my name is John Smith thank you" → "SMITH".
import { withoutFillers } from './fillers.ts';

/** Words that are never a last name on their own: fillers, answers, and the start of a sentence. */
const notNames = new Set([
  'a', 'an', 'the', 'and', 'or', 'but', 'um', 'umm', 'uh', 'uhh', 'er', 'hmm', 'yes', 'yeah', 'yep', 'no', 'nope', 'ok', 'okay',
  'sure', 'what', 'sorry', 'pardon', 'huh', 'hello', 'hi', 'hey', 'is', 'it', 'its', "it's", 'that', "that's", 'this', 'my',
  'name', 'last', 'first', 'surname', 'i', "i'm", 'im', 'am', 'me', 'you', 'your', 'we', 'to', 'of', 'for', 'in', 'on', 'at',
  'with', 'want', 'need', 'would', 'like', 'can', 'could', 'please', 'thanks', 'thank', 'know', "don't", 'dont', 'not',
  'repeat', 'again', 'say', 'said', 'spell', 'spelled', 'spelling', 'as', 'so', 'well', 'oh', 'just', 'here', 'there',
  'appointment', 'doctor', 'book', 'cancel', 'reschedule', 'help', 'person', 'human', 'operator', 'someone', 'agent',
  'representative', 'receptionist', 'correct', 'right', 'wrong', 'be', 'do', 'have', 'has', 'was', 'are', 'called',
  'good', 'fine', 'great', 'perfect', 'morning', 'afternoon', 'evening', 'wait', 'actually', 'mean', 'meant', 'problem',
  'all', 'set', 'done', 'nothing', 'else', 'line', 'phone', 'number', 'date', 'birth', 'born', 'hold', 'moment', 'second',
]);
/** Date and number words: "November second nineteen ninety" is a birth date, never the surname "Ninety". */
const dateAndNumberWords = new Set(
  (
    'january february march april may june july august september october november december jan feb mar apr jun jul aug sep sept oct nov dec ' +
    'monday tuesday wednesday thursday friday saturday sunday today tomorrow ' +
    'zero oh one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen ' +
    'twenty thirty forty fifty sixty seventy eighty ninety hundred thousand ' +
    'second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth fifteenth sixteenth seventeenth ' +
    'eighteenth nineteenth twentieth thirtieth'
  ).split(' '),
);

/** Particles that belong to the surname that follows: "de la Cruz", "van Dyke". */
const particles = new Set(['de', 'del', 'della', 'la', 'le', 'van', 'von', 'der', 'den', 'da', 'di', 'du', 'st', 'mac', 'bin', 'al']);

const leadingFillers =
  /^(?:(?:um+|uh+|er+|hmm+|yeah|yes|sure|okay|ok|no|nope|actually|so|well|oh|it's|it is|its|that's|that is|this is|i'm|i am|sorry|my|the|last name|surname|family name|name|is|was)\b[\s,.!:-]*)+/;

/** Words that end a name and start the next thing said: "Smith my date of birth is…", "John Smith born…". */
const nextFieldWords = new Set(['my', 'and', 'but', 'i', 'born', 'from', 'date', 'birth', 'birthday', 'dob', 'phone', 'number', 'cell', 'telephone', 'spelled', 'spelling', 'spell', 'as', 'with']);

/** Spelling aids read as their letter: "S as in Sam" → "s", "double L" → "l l". */
function plainLetters(text: string): string {
  return text
    .replace(/\b([a-z])\s+(?:as in|like in|for)\s+[a-z]+\b/g, '$1')
    .replace(/\b(?:double)\s+([a-z])\b/g, '$1 $1');
}

/** Consecutive single letters ("S M I T H", "s. m. i. t. h.", "S-M-I-T-H"), joined, if at least two. */
function findSpelledLetters(text: string): string | undefined {
  const tokens = plainLetters(text).split(/[^a-z']+/).filter(Boolean);
  let best = '';
  let run = '';
  for (const token of tokens) {
    if (token.length === 1) run += token;
    else {
      if (run.length > best.length) best = run;
      run = '';
    }
  }
  if (run.length > best.length) best = run;
  if (best.length < 2 || /^[ai]+$/.test(best)) return undefined;
  return best.toUpperCase();
}

/** The surname at the end of a short name phrase ("John Smith" → SMITH, "Maria de la Cruz" → DE LA CRUZ), if the phrase is only a name. */
function surnameOf(phrase: string): string | undefined {
  const words = phrase.split(/\s+/).filter(Boolean);
  if (words.length === 0 || words.length > 4) return undefined;
  if (!words.every((word) => /^[a-z][a-z'-]*[a-z]$/.test(word) && !notNames.has(word) && !dateAndNumberWords.has(word.split('-')[0]!))) return undefined;
  let start = words.length - 1;
  while (start > 0 && particles.has(words[start - 1]!)) start -= 1;
  return words.slice(start).join(' ').toUpperCase();
}

/** The phrase after "my last name is" / "my name is" (or before "is my last name"), up to the end of the clause. */
function explicitPhrase(text: string, expected: boolean): string | undefined {
  const before = /^(?:it's |its |it is )?([a-z'-]+(?: [a-z'-]+){0,2}) is my (?:last |family )?(?:name|surname)\b/.exec(text);
  if (before) return before[1];
  const lastName = /\b(?:my )?(?:last name|surname|family name)(?: is|'s|:)?\s+(.+)/.exec(text);
  if (lastName) return lastName[1];
  const fullName = /\b(?:my name is|my name's|name is)\s+(.+)/.exec(text);
  if (!fullName) return undefined;
  // Unasked, "my name is Sarah" may be a first name alone: only a first-and-last pair counts then.
  if (!expected && !/^[a-z'-]+(?: [a-z'-]+)+(?:$|[,.;!?]| and | but )/.test(fullName[1]!)) return undefined;
  return fullName[1];
}

/**
 * Finds a last name (upper case). When the question asked for it, the whole answer may be the name;
 * otherwise only an explicit "my (last) name is …" counts. Spelled letters win over the spoken word.
 */
export function findLastName(text: string, options: { expected: boolean }): string | undefined {
  const lower = withoutFillers(text);
  const explicit = explicitPhrase(lower, options.expected);
  if (explicit === undefined && !options.expected) return undefined;
  const source = explicit ?? lower.replace(leadingFillers, '');
  const spelled = findSpelledLetters(source);
  if (spelled) return spelled;
  return surnameOf(firstClause(source));
}

/** The words before the first comma, digit, date or number word, or word that starts another field. */
function firstClause(source: string): string {
  const clause = source.split(/[,.;!?]|\d/)[0] ?? '';
  const words: string[] = [];
  for (const word of clause.trim().split(/\s+/)) {
    if (nextFieldWords.has(word) || dateAndNumberWords.has(word)) break;
    words.push(word);
  }
  return words.join(' ');
}
