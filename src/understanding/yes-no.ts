// Yes and no, as said ("yeah", "that's right", "nope", "that's all") or keyed (1 = yes, 2 = no).

const fillers = /^(?:(?:um+|uh+|er+|oh|well|hmm+|ah|actually|so|okay so)\b[\s,.!]*)+/;
const yesPhrases = /^(?:yes|yeah|yea|yep|yup|ya|yah|sure|certainly|correct|right|that's right|that is right|that's correct|that is correct|thats right|thats correct|exactly|absolutely|definitely|of course|please do|please|yes please|go ahead|ok|okay|sounds good|that works|that's fine|perfect|affirmative|uh-huh|uh huh|mm-hmm|mhm|it is|i do|i would|that's me|that's it|you got it|you bet|alright|all right)\b/;
const noPhrases = /^(?:no|nope|nah|not really|not quite|that's all|that is all|that's everything|nothing else|no thanks|no thank you|negative|wrong|incorrect|that's wrong|that's not right|that is not right|that's incorrect|not correct|i don't|i do not|it isn't|it's not|don't|never mind|nevermind)\b/;

/** The yes or no an utterance starts with (after fillers), if any. */
function leadingAnswer(text: string): { answer: boolean; rest: string } | undefined {
  const trimmed = text.toLowerCase().trim().replace(fillers, '');
  const no = noPhrases.exec(trimmed);
  if (no) return { answer: false, rest: trimmed.slice(no[0].length) };
  const yes = yesPhrases.exec(trimmed);
  if (yes) return { answer: true, rest: trimmed.slice(yes[0].length) };
  return undefined;
}

/**
 * Yes or no. When the question asked for it, the answer may lead a longer sentence ("yes, at ten");
 * otherwise only a bare answer counts, so "no, it's 1984" stays a correction.
 */
export function findYesNo(text: string, options: { expected: boolean }): boolean | undefined {
  const found = leadingAnswer(text);
  if (!found) return undefined;
  if (options.expected) return found.answer;
  const rest = found.rest.replace(/[\s,.!?]+/g, ' ').trim();
  return rest === '' || /^(?:thanks|thank you|please|that's all|that's right|it is|it's correct|that's correct)$/.test(rest) ? found.answer : undefined;
}

/** A keypad answer: 1 = yes, 2 = no. */
export function yesNoFromDigits(digits: string): boolean | undefined {
  if (digits === '1') return true;
  if (digits === '2') return false;
  return undefined;
}
