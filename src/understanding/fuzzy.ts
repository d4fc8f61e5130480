// Forgiving word matching for names heard through speech recognition ("Okafor" vs "okafore").

/** Edit distance between two short strings (Levenshtein). */
export function editDistance(first: string, second: string): number {
  const previous = Array.from({ length: second.length + 1 }, (_, index) => index);
  for (let row = 1; row <= first.length; row += 1) {
    let diagonal = previous[0]!;
    previous[0] = row;
    for (let column = 1; column <= second.length; column += 1) {
      const above = previous[column]!;
      const cost = first[row - 1] === second[column - 1] ? 0 : 1;
      previous[column] = Math.min(above + 1, previous[column - 1]! + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return previous[second.length]!;
}

/** Lower-case words of a text (letters, digits, apostrophes). */
export function wordsOf(text: string): string[] {
  return text.toLowerCase().split(/[^a-z0-9']+/).filter(Boolean);
}

/** Whether a word was heard: exactly, or within one edit for words of five letters or more. */
export function heardWord(word: string, heard: string[]): boolean {
  return heard.some((candidate) => candidate === word || (word.length >= 5 && candidate.length >= 4 && editDistance(word, candidate) <= 1));
}
