/** The question bank: list, and a form to add a question with an image (uploaded through the presigned URL) and a German translation. */
import { useEffect, useState } from 'preact/hooks';
import type { TriviaClient } from '../../client/client.ts';
import type { QuestionOut } from '../../lambda/domain/contract.ts';
import { errorText } from '../shared/api.ts';
import { useI18n } from '../shared/i18n.ts';
import { ErrorAlert } from '../shared/ErrorAlert.tsx';
import { TableHead } from './TableHead.tsx';

const OPTION_SLOTS = 4;
const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif', 'image/avif'];

export function Questions({ client }: { client: TriviaClient }) {
  const { t } = useI18n();
  const [items, setItems] = useState<QuestionOut[]>([]);
  const [next, setNext] = useState<string | undefined>();
  const [error, setError] = useState('');

  const load = async (cursor?: string) => {
    try {
      const page = await client.listQuestions({ limit: 50, ...(cursor ? { next: cursor } : {}) });
      setItems((old) => (cursor ? [...old, ...page.items] : page.items));
      setNext(page.next);
    } catch (err) {
      setError(errorText(err));
    }
  };
  useEffect(() => void load(), []);

  return (
    <main class="stack">
      <h1>{t('c.questions.title')}</h1>
      <QuestionForm client={client} onCreated={(q) => setItems((old) => [q, ...old.filter((o) => o.id !== q.id)])} />
      <section class="card" aria-labelledby="bank">
        <h2 id="bank">{t('c.questions.bank', { count: items.length })}</h2>
        <ErrorAlert message={error} />
        <table>
          <TableHead columns={[t('c.questions.question'), t('c.questions.options'), t('c.questions.media'), t('c.questions.id')]} />
          <tbody>
            {items.map((q) => (
              <tr key={q.id}>
                <td>
                  {q.question}
                  {q.translations && <span class="muted"> ({Object.keys(q.translations).join(', ')})</span>}
                </td>
                <td>
                  {q.options.map((o, i) => (
                    <span key={i}>
                      {i > 0 && ' · '}
                      {String(i) === String(q.answer) ? <strong>{o} ✓</strong> : o}
                    </span>
                  ))}
                </td>
                <td>{q.media_url && <img src={q.media_url} alt={t('c.questions.imageOf', { question: q.question })} class="media" width={64} />}</td>
                <td>
                  <code>{q.id}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {next && (
          <button type="button" onClick={() => void load(next)}>
            {t('c.questions.more')}
          </button>
        )}
      </section>
    </main>
  );
}

function QuestionForm({ client, onCreated }: { client: TriviaClient; onCreated: (q: QuestionOut) => void }) {
  const { t } = useI18n();
  const [question, setQuestion] = useState('');
  const [options, setOptions] = useState<string[]>(Array(OPTION_SLOTS).fill(''));
  const [answer, setAnswer] = useState(0);
  const [file, setFile] = useState<File | undefined>();
  const [preview, setPreview] = useState<string | undefined>();
  const [deQuestion, setDeQuestion] = useState('');
  const [deOptions, setDeOptions] = useState<string[]>(Array(OPTION_SLOTS).fill(''));
  const [status, setStatus] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!file) return setPreview(undefined);
    const url = URL.createObjectURL(file);
    setPreview(url);
    return () => URL.revokeObjectURL(url);
  }, [file]);

  const filled = options.map((o) => o.trim()).filter(Boolean);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError('');
    setStatus('');
    if (filled.length < 2) return setError(t('c.questions.needTwo'));
    if (answer >= filled.length) return setError(t('c.questions.answerBlank'));
    setBusy(true);
    try {
      let media_url: string | undefined;
      if (file) {
        setStatus(t('c.questions.uploading'));
        const upload = await client.createMediaUpload({ content_type: file.type as never, content_length: file.size });
        const put = await fetch(upload.upload_url, { method: upload.upload_method, headers: upload.upload_headers, body: file });
        if (!put.ok) throw new Error(t('c.questions.uploadFailed', { status: put.status }));
        media_url = upload.media_url;
      }
      const de = deOptions.slice(0, filled.length).map((o) => o.trim());
      const translations = deQuestion.trim() ? { de: { question: deQuestion.trim(), options: de } } : undefined;
      const created = await client.createQuestion({ question: question.trim(), options: filled, answer, ...(media_url ? { media_url } : {}), ...(translations ? { translations } : {}) });
      onCreated(created);
      setStatus(t('c.questions.created', { id: created.id }));
      setQuestion('');
      setOptions(Array(OPTION_SLOTS).fill(''));
      setDeQuestion('');
      setDeOptions(Array(OPTION_SLOTS).fill(''));
      setFile(undefined);
      setAnswer(0);
    } catch (err) {
      setStatus('');
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card" aria-labelledby="new-question">
      <h2 id="new-question">{t('c.questions.new')}</h2>
      <form class="stack" onSubmit={submit}>
        <label>
          {t('c.questions.question')}
          <input required maxLength={1000} value={question} onInput={(e) => setQuestion(e.currentTarget.value)} />
        </label>
        <fieldset class="stack">
          <legend>{t('c.questions.optionsLegend')}</legend>
          {options.map((o, i) => (
            <label key={i}>
              {t('c.questions.option', { n: i + 1 })}
              <input required={i < 2} maxLength={200} value={o} onInput={(e) => setOptions(options.map((x, j) => (j === i ? e.currentTarget.value : x)))} />
            </label>
          ))}
          <label>
            {t('c.questions.rightOption')}
            <select value={answer} onChange={(e) => setAnswer(Number(e.currentTarget.value))}>
              {options.map((o, i) => (
                <option key={i} value={i}>
                  {t('c.questions.option', { n: i + 1 })}
                  {o ? `: ${o}` : ''}
                </option>
              ))}
            </select>
          </label>
        </fieldset>
        <label>
          {t('c.questions.image')}
          <input type="file" accept={IMAGE_TYPES.join(',')} onChange={(e) => setFile(e.currentTarget.files?.[0])} />
        </label>
        {preview && <img src={preview} alt={t('c.questions.preview')} class="media" />}
        <fieldset class="stack">
          <legend>{t('c.questions.german')}</legend>
          <label lang="de">
            {t('c.questions.questionDe')}
            <input maxLength={1000} value={deQuestion} onInput={(e) => setDeQuestion(e.currentTarget.value)} />
          </label>
          {filled.map((_, i) => (
            <label key={i} lang="de">
              {t('c.questions.optionDe', { n: i + 1 })}
              <input required={deQuestion.trim() !== ''} maxLength={200} value={deOptions[i]} onInput={(e) => setDeOptions(deOptions.map((x, j) => (j === i ? e.currentTarget.value : x)))} />
            </label>
          ))}
        </fieldset>
        {status && <p role="status">{status}</p>}
        <ErrorAlert message={error} />
        <button type="submit" class="primary" disabled={busy}>
          {t('c.questions.create')}
        </button>
      </form>
    </section>
  );
}
