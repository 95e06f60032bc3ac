/** One question's answer distribution: a bar per option, the right one marked. */
import type { PublicStatistics } from '../../lambda/domain/live.ts';
import { useI18n } from '../shared/i18n.ts';
import { TableHead } from './TableHead.tsx';

export function Distribution({ stats, options }: { stats: PublicStatistics; options?: string[] }) {
  const { t, num } = useI18n();
  const total = stats.answer_counts.reduce((s, c) => s + c.count, 0);
  return (
    <table aria-label={t('c.live.distributionOf', { n: stats.question_index + 1 })} data-question-index={stats.question_index}>
      <caption>{t('c.live.distributionCaption', { n: stats.question_index + 1, answered: num(total), advancing: num(stats.advancing_count) })}</caption>
      <TableHead columns={[t('c.live.option'), t('c.live.answers'), t('c.live.share')]} />
      <tbody>
        {stats.answer_counts.map((c, i) => {
          const share = total ? Math.round((c.count / total) * 100) : 0;
          return (
            <tr key={c.answer}>
              <th scope="row">
                {options?.[i] ?? t('c.questions.option', { n: i + 1 })}
                {c.correct ? ` ✓ ${t('show.rightAnswer')}` : ''}
              </th>
              <td>{num(c.count)}</td>
              <td class="bar-row">
                <progress max={100} value={share} aria-label={`${share}%`} />
                {share}%
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
