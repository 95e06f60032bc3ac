/**
 * The sign-in form both apps share (fields `Email` and `Password`, button `Sign in`: browser tests rely on the names).
 * An account with TOTP (every admin) is asked next for the code of its authenticator app (field `Authenticator code`).
 */
import { useState } from 'preact/hooks';
import type { Session } from './session.ts';
import { useI18n } from './i18n.ts';
import { ErrorAlert } from './ErrorAlert.tsx';

type Mode = 'signIn' | 'signUp' | 'confirm' | 'totp';

export function SignIn({ session, signUpEnabled, onSignedIn }: { session: Session; signUpEnabled: boolean; onSignedIn: () => void }) {
  const { t } = useI18n();
  const [mode, setMode] = useState<Mode>('signIn');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      if (mode === 'signIn') {
        if ((await session.signIn(email.trim(), password)) === 'totp') {
          setCode('');
          setMode('totp');
          return;
        }
        onSignedIn();
      } else if (mode === 'totp') {
        await session.answerTotp(code);
        onSignedIn();
      } else if (mode === 'signUp') {
        await session.signUp(email.trim(), password);
        setNotice(t('signUp.codeSent', { email }));
        setMode('confirm');
      } else {
        await session.confirmSignUp(email.trim(), code.trim());
        await session.signIn(email.trim(), password);
        onSignedIn();
      }
    } catch (err) {
      setError(t('signIn.failed', { reason: (err as Error).message }));
    } finally {
      setBusy(false);
    }
  };

  const title = mode === 'signIn' || mode === 'totp' ? t('signIn.title') : mode === 'signUp' ? t('signUp.title') : t('signUp.confirmTitle');
  return (
    <main class="card narrow">
      <h1>{title}</h1>
      <form onSubmit={submit} class="stack">
        <label>
          {t('signIn.email')}
          <input type="email" name="email" autocomplete="username" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        </label>
        {mode !== 'confirm' && mode !== 'totp' && (
          <label>
            {t('signIn.password')}
            <input
              type="password"
              name="password"
              autocomplete={mode === 'signUp' ? 'new-password' : 'current-password'}
              required
              minLength={8}
              value={password}
              onInput={(e) => setPassword(e.currentTarget.value)}
            />
          </label>
        )}
        {mode === 'confirm' && (
          <label>
            {t('signUp.code')}
            <input inputMode="numeric" autocomplete="one-time-code" required value={code} onInput={(e) => setCode(e.currentTarget.value)} />
          </label>
        )}
        {mode === 'totp' && (
          <>
            <label>
              {t('signIn.totp')}
              <input
                name="totp"
                inputMode="numeric"
                autocomplete="one-time-code"
                pattern="[0-9]{6}"
                maxLength={6}
                required
                autoFocus
                value={code}
                onInput={(e) => setCode(e.currentTarget.value)}
              />
            </label>
            <p class="muted">{t('signIn.totpHelp')}</p>
          </>
        )}
        {notice && <p role="status">{notice}</p>}
        <ErrorAlert message={error} />
        <button type="submit" class="primary" disabled={busy}>
          {mode === 'signIn' ? t('signIn.submit') : mode === 'totp' ? t('signIn.verify') : mode === 'signUp' ? t('signUp.submit') : t('signUp.confirm')}
        </button>
      </form>
      {signUpEnabled && (
        <p>
          {mode === 'signIn' ? (
            <button type="button" class="link" onClick={() => setMode('signUp')}>
              {t('signUp.switch')}
            </button>
          ) : (
            <button type="button" class="link" onClick={() => setMode('signIn')}>
              {t('signIn.switch')}
            </button>
          )}
        </p>
      )}
    </main>
  );
}
