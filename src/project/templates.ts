/** Words that make a `.env`-like file a template: `.env.example`, `.env.local.example`, `example.env`, `.env.sample`. */
const TEMPLATE_WORD = /^(?:example|examples|sample|template|tmpl|tpl|dist|defaults)$/i;

/**
 * True for a template of a `.env` file: a name with an `env` part and a template word
 * (`.env.example`, `.env.local.example`, `.env.production.sample`, `example.env`, `env.template`),
 * or a name the project configures (package.json `keyward.templates`, pyproject `[tool.keyward] templates`).
 */
export function isTemplateName(name: string, configured: readonly string[] = []): boolean {
  if (configured.includes(name)) return true;
  const parts = name.split('.');
  return parts.includes('env') && parts.some((p) => TEMPLATE_WORD.test(p));
}

/** One variable a template names, and whether the template says it may be left out. */
export interface TemplateMention {
  variable: string;
  optional: boolean;
}

const ASSIGN = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/;
// A header that opens a section: `# Optional`, `# --- Optional providers ---`, `## Required keys:`; not a sentence.
const HEADER = /^(optional|required)\b(?:\s+[\w()/&-]+){0,4}\s*:?$/i;
// A group of keys beside the main one: e2b's fragments lists `# Other providers` under its `# OpenAI API Key`.
const OTHERS = /\b(?:other|additional|alternative|more|extra)\s+(?:\w+\s+)?(?:providers?|models?|llms?)\b/i;
const VARIABLE_NAME = /\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b/g;
// A note for the whole file, as the AI SDK's examples say it: "none of them are required".
const ALL_OPTIONAL = /\bnone of (?:them|these)(?: \w+)? (?:is|are) required\b|\ball (?:of )?(?:them|these|the keys|the variables|the providers)(?: \w+)? (?:is|are) optional\b/i;

/**
 * The variables a template names, in order, each marked optional as templates say it: an
 * `# Optional` comment right above it or above the lines it is grouped with (no blank line and no
 * other comment between: chatbot-ui's "# API Keys (Optional: …)" over seven keys), a group's
 * `# Other providers` comment (fragments: the main provider's key comes first), or after its
 * value, an `# Optional` section header (until the next header), a commented-out line
 * (`# ANTHROPIC_API_KEY=`), or a note that none is required. A comment above that says "required"
 * overrides a section or file note.
 */
export function readTemplate(text: string): TemplateMention[] {
  const lines = text.split(/\r?\n/);
  const comments = lines.filter((l) => /^\s*#/.test(l)).join('\n');
  const fileOptional = ALL_OPTIONAL.test(comments);
  const out: TemplateMention[] = [];
  let block: string[] = [];
  let afterAssignment = false;
  let section: boolean | null = null;
  for (const line of lines) {
    if (line.trim() === '') {
      block = [];
      afterAssignment = false;
      continue;
    }
    const comment = /^\s*#+\s?(.*)$/.exec(line);
    if (comment) {
      const text = comment[1]!;
      const commented = ASSIGN.exec(text);
      if (commented) {
        out.push({ variable: commented[1]!, optional: true });
        continue;
      }
      if (afterAssignment) block = [];
      afterAssignment = false;
      const stripped = text.replace(/^[\s\-=*#~_|]+|[\s\-=*#~_|.]+$/g, '');
      const header = HEADER.exec(stripped);
      if (header) section = header[1]!.toLowerCase() === 'optional';
      else block.push(text);
      continue;
    }
    const assign = ASSIGN.exec(line);
    if (!assign) continue;
    const above = block.join(' ');
    const inline = /\s#.*\boptional\b/i.test(line.slice(assign[0].length));
    // A comment that names variables speaks for those only: assistant-ui's "# OPENAI_BASE_URL is optional" sits above OPENAI_API_KEY too.
    const named = above.match(VARIABLE_NAME);
    const aboveSpeaks = named === null || named.includes(assign[1]!);
    const optional =
      inline || (aboveSpeaks && (/\boptional\b/i.test(above) || OTHERS.test(above)) ? true : aboveSpeaks && /\brequired\b/i.test(above) ? false : (section ?? fileOptional));
    out.push({ variable: assign[1]!, optional });
    afterAssignment = true;
  }
  return out;
}
