import { LANGUAGES, LANGUAGE_NAMES, setLanguage, useI18n, type Language } from './i18n.ts';

export function LanguagePicker() {
  const { language, t } = useI18n();
  return (
    <label class="inline">
      {t('language')}
      <select value={language} onChange={(e) => setLanguage(e.currentTarget.value as Language)}>
        {LANGUAGES.map((l) => (
          <option key={l} value={l} lang={l}>
            {LANGUAGE_NAMES[l]}
          </option>
        ))}
      </select>
    </label>
  );
}
