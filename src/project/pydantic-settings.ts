/**
 * The variables a pydantic settings class reads (`class Settings(BaseSettings): openai_api_key: str`),
 * the most common way a Python API server (FastAPI's templates, Quivr, AgentGPT) takes its keys:
 * no `os.environ` is written, pydantic fills each field from the variable of its name, after the
 * class's `env_prefix`, matched without case unless `case_sensitive` is on, and from the `.env`
 * files its `env_file` names, which it loads itself (no python-dotenv call).
 */
export interface SettingsReads {
  /** The variables the fields read, in field order. */
  variables: string[];
  /** Those of them a field may leave unset (`Optional[str]`, `str | None`, `= None`, `= ""`). */
  optional: string[];
  /** The `.env` files (names only) an `env_file` names. */
  envFiles: string[];
}

const CLASS = /^class[ \t]+\w+[ \t]*\(([^)]*)\)[ \t]*:/gm;
const DOCSTRING = /"""[\s\S]*?"""|'''[\s\S]*?'''/g;
const FIELD = /^([A-Za-z_]\w*)[ \t]*:[ \t]*([^=\n#]+?)[ \t]*(?:=[ \t]*([^\n#]*?))?[ \t]*(?:#.*)?$/;
const NOT_FIELDS = new Set(['model_config', 'Config']);
// `env_prefix = "APP_"` (pydantic 1's `class Config`), `env_prefix="APP_"` (SettingsConfigDict), `'env_prefix': 'APP_'`.
const PREFIX = /\benv_prefix["']?[ \t]*[=:][ \t]*(?:["']([^"'\n]*)["']|([A-Za-z_]\w*))/;
const CASE_SENSITIVE = /\bcase_sensitive["']?[ \t]*[=:][ \t]*True\b/;
const ENV_FILE = /\benv_file["']?[ \t]*[=:][ \t]*([^\n]*)/g;
const ENV_FILE_NAME = /["'](?:[^"'\n]*\/)?(\.env(?:\.[A-Za-z0-9_-]+)*)["']/g;
// pydantic 1's `Field(..., env="X")`, pydantic 2's `alias=` and `validation_alias=`: the variable is that name, no prefix.
const ALIAS = /\b(?:env|alias|validation_alias)[ \t]*=[ \t]*(?:AliasChoices\([ \t]*)?["']([A-Za-z_]\w*)["']/;
const UNSET_TYPE = /\bOptional\[|\bNone\b/;
const UNSET_DEFAULT = /^(?:None|""|''|Field\([ \t]*(?:default[ \t]*=[ \t]*)?(?:None|""|'')[ \t]*[,)])/;

/** The class bodies of `text` whose bases name `BaseSettings`: the indented lines after each header. */
function settingsBodies(text: string): string[] {
  const bodies: string[] = [];
  for (const m of text.matchAll(CLASS)) {
    if (!/\bBaseSettings\b/.test(m[1]!)) continue;
    const lines = text.slice(m.index + m[0].length).split('\n').slice(1);
    const end = lines.findIndex((l) => l.trim() !== '' && !/^[ \t]/.test(l));
    bodies.push((end < 0 ? lines : lines.slice(0, end)).join('\n'));
  }
  return bodies;
}

/** What the pydantic settings classes of a Python file read; nothing for a class whose prefix is not in the file. */
export function settingsReads(text: string): SettingsReads {
  const reads: SettingsReads = { variables: [], optional: [], envFiles: [] };
  for (const raw of settingsBodies(text)) {
    const body = raw.replace(DOCSTRING, '');
    for (const m of body.matchAll(ENV_FILE)) for (const f of m[1]!.matchAll(ENV_FILE_NAME)) reads.envFiles.push(f[1]!);
    const p = PREFIX.exec(body);
    const prefix = p === null ? '' : (p[1] ?? new RegExp(`^${p[2]}[ \\t]*(?::[^=\\n]*)?=[ \\t]*["']([^"'\\n]*)["']`, 'm').exec(text)?.[1]);
    // A prefix imported from another module (AgentGPT's `env_prefix = ENV_PREFIX`): the names are not known.
    if (prefix === undefined) continue;
    const exact = CASE_SENSITIVE.test(body);
    const lines = body.split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('#'));
    const indent = /^[ \t]*/.exec(lines[0] ?? '')![0];
    for (const line of lines) {
      if (!line.startsWith(indent) || /^[ \t]/.test(line.slice(indent.length))) continue;
      const f = FIELD.exec(line.slice(indent.length));
      if (!f || NOT_FIELDS.has(f[1]!) || /^ClassVar\b/.test(f[2]!)) continue;
      const alias = f[3] === undefined ? undefined : ALIAS.exec(f[3])?.[1];
      const name = alias ?? `${prefix}${f[1]}`;
      const variable = exact ? name : name.toUpperCase();
      reads.variables.push(variable);
      if (UNSET_TYPE.test(f[2]!) || (f[3] !== undefined && UNSET_DEFAULT.test(f[3]))) reads.optional.push(variable);
    }
  }
  return reads;
}
