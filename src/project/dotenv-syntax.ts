import { parse } from 'dotenv';

/** The variables of `.env` text exactly as dotenv reads them (the one module that imports dotenv). */
export function parseDotenv(text: string): Record<string, string> {
  return parse(text);
}
