// Branch and tag patterns in stage conditions. The syntax is the subset GitHub's branch filters,
// GitLab's regular-expression rules and Jenkins' REGEXP comparator can all express exactly:
//   *  any characters except "/"      **  any characters      ?  one character except "/"
//   [abc] [a-z] [!a-z]  one character of (or not of) a class
// Anything else is literal, from a small alphabet (letters, digits, . _ - / + = , @ %) so that the
// same regular expression can be written unquoted into bash, GitLab rules and a Groovy string: each
// CI generator gets the regular expression the runner uses, and a stage runs on the same refs
// locally and in every CI system.

/** Why `pattern` is not a usable branch or tag pattern, or undefined when it is. */
export function refPatternProblem(pattern: string): string | undefined {
  if (pattern === "") return "an empty pattern matches nothing";
  if (/\s/.test(pattern)) return `"${pattern}" contains whitespace, which no branch or tag name can`;
  const bad = /[~^:\\]|\.\.|@\{|\/\//.exec(pattern);
  if (bad) return `"${pattern}" contains "${bad[0]}", which no branch or tag name can (git check-ref-format)`;
  if (pattern.startsWith("/") || pattern.endsWith("/")) return `"${pattern}" starts or ends with "/", which no branch or tag name can`;
  if (pattern.startsWith("!")) return `"${pattern}": negated patterns are not supported; list the refs that should match instead`;
  const odd = /[^A-Za-z0-9._\-/*?[\]!+=,@%]/.exec(pattern);
  if (odd) return `"${pattern}" contains "${odd[0]}"; patterns use letters, digits, . _ - / + = , @ % and the wildcards * ** ? [...]`;
  try {
    compile(pattern);
  } catch (e) {
    return `"${pattern}": ${(e as Error).message}`;
  }
  return undefined;
}

/** The anchored regular expression (source, without slashes) a valid pattern stands for. */
export function refPatternRegex(pattern: string): string {
  return `^${compile(pattern)}$`;
}

export function matchesRefPattern(name: string, pattern: string): boolean {
  return new RegExp(refPatternRegex(pattern)).test(name);
}

function compile(pattern: string): string {
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*") {
      if (pattern[i + 1] === "*") {
        out += ".*";
        i++;
        if (pattern[i + 1] === "*") throw new Error("more than two * in a row");
      } else out += "[^/]*";
    } else if (c === "?") out += "[^/]";
    else if (c === "[") {
      const end = pattern.indexOf("]", i + 1);
      if (end < 0) throw new Error(`"[" at position ${i + 1} is never closed by "]"`);
      out += charClass(pattern.slice(i + 1, end), i + 1);
      i = end;
    } else if (c === "]") throw new Error(`"]" at position ${i + 1} closes no "["`);
    else out += c.replace(/[.+]/g, "\\$&");
  }
  return out;
}

function charClass(body: string, position: number): string {
  const negated = body.startsWith("!");
  const members = negated ? body.slice(1) : body;
  if (members === "") throw new Error(`the class at position ${position} is empty`);
  if (/[[/!]/.test(members)) throw new Error(`the class at position ${position} contains "${/[[/!]/.exec(members)![0]}", which a class cannot hold`);
  for (const range of members.matchAll(/(.)-(.)/g)) {
    if (range[1]! > range[2]!) throw new Error(`the range ${range[0]} at position ${position} is backwards`);
  }
  return `[${negated ? "^/" : ""}${members}]`;
}
