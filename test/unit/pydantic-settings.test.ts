import { describe, expect, it } from 'vitest';
import { settingsReads } from '../../src/project/pydantic-settings.js';

const lines = (...l: string[]) => `${l.join('\n')}\n`;

describe('settingsReads: the variables a pydantic settings class reads', () => {
  it("pydantic 1's class Config: its literal prefix, Optional and None defaults, the tuple of env files (the last wins)", () => {
    const text = lines(
      'from pydantic import BaseSettings',
      'class Settings(BaseSettings):',
      '    openai_api_key: str = "<set it in the environment>"',
      '    helicone_api_key: Optional[str]',
      '    cohere_api_key: str = Field(None, env="CO_API_KEY")',
      '    class Config:',
      '        env_prefix = "APP_"',
      '        env_file = (".env", ".env.prod")',
      '        extra: str = "ignore"',
    );
    expect(settingsReads(text)).toEqual({
      variables: ['APP_OPENAI_API_KEY', 'APP_HELICONE_API_KEY', 'CO_API_KEY'],
      optional: ['APP_HELICONE_API_KEY', 'CO_API_KEY'],
      envFiles: ['.env', '.env.prod'],
    });
  });

  it("pydantic 2's model_config: no prefix, case_sensitive names as written, str | None, ClassVar and methods left out", () => {
    const text = lines(
      'class Settings(BaseSettings):',
      "    model_config = SettingsConfigDict(case_sensitive=True, env_file='../.env')",
      '    OPENAI_API_KEY: SecretStr',
      '    Groq_Key: str | None = None',
      '    registry: ClassVar[dict] = {}',
      '    @property',
      '    def client(self) -> str:',
      '        api_key: str = ""',
      '        return api_key',
    );
    expect(settingsReads(text)).toEqual({ variables: ['OPENAI_API_KEY', 'Groq_Key'], optional: ['Groq_Key'], envFiles: ['.env'] });
  });

  it('a prefix from another module, a class that is not settings and a docstring read nothing', () => {
    expect(settingsReads(lines('from app.constants import ENV_PREFIX', 'class S(BaseSettings):', '    openai_api_key: str', '    class Config:', '        env_prefix = ENV_PREFIX'))).toEqual({
      variables: [],
      optional: [],
      envFiles: [],
    });
    expect(settingsReads(lines('class Message(BaseModel):', '    openai_api_key: str'))).toEqual({ variables: [], optional: [], envFiles: [] });
    expect(settingsReads(lines('class S(BaseSettings):', '    """Keys:', '    anthropic_api_key: Claude\'s', '    """', '    openai_api_key: str', 'x: int = 1'))).toEqual({
      variables: ['OPENAI_API_KEY'],
      optional: [],
      envFiles: [],
    });
  });
});
