/**
 * UI text in English and German, chosen from the browser (`navigator.languages`) and switchable; the choice is kept in
 * localStorage. Times are formatted in the viewer's own time zone (Intl's default).
 */
import { useEffect, useState } from 'preact/hooks';
import { messages, type MessageKey } from './messages.ts';

export const LANGUAGES = ['en', 'de'] as const;
export type Language = (typeof LANGUAGES)[number];
export const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', de: 'Deutsch' };

const STORAGE_KEY = 'trivia.language';

export function browserLanguage(preferred: readonly string[] = navigator.languages ?? [navigator.language]): Language {
  for (const tag of preferred) {
    const base = tag.toLowerCase().split('-')[0] as Language;
    if (LANGUAGES.includes(base)) return base;
  }
  return 'en';
}

let current: Language = (() => {
  const saved = localStorage.getItem(STORAGE_KEY) as Language | null;
  return saved && LANGUAGES.includes(saved) ? saved : browserLanguage();
})();
const listeners = new Set<(l: Language) => void>();

export function setLanguage(language: Language): void {
  current = language;
  localStorage.setItem(STORAGE_KEY, language);
  document.documentElement.lang = language;
  for (const l of listeners) l(language);
}

/** `{name}` placeholders are filled from `params`. */
export function translate(language: Language, key: MessageKey, params: Record<string, string | number> = {}): string {
  const text = messages[language][key] ?? messages.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));
}

export function formatTime(language: Language, epochMs: number): string {
  return new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(epochMs));
}

export function formatNumber(language: Language, n: number): string {
  return new Intl.NumberFormat(language).format(n);
}

export function useI18n() {
  const [language, setState] = useState<Language>(current);
  useEffect(() => {
    document.documentElement.lang = current;
    listeners.add(setState);
    return () => void listeners.delete(setState);
  }, []);
  return {
    language,
    t: (key: MessageKey, params?: Record<string, string | number>) => translate(language, key, params),
    time: (epochMs: number) => formatTime(language, epochMs),
    num: (n: number) => formatNumber(language, n),
  };
}
