/**
 * Player notifications ("episode starting"). In AWS they go to an SNS topic that fans out to push providers;
 * the local stack points the topic at an outbox file (`local:outbox`) that tests and operators can read.
 */
import { appendFile } from 'node:fs/promises';
import { PublishCommand } from '@aws-sdk/client-sns';
import { topicArn } from '../shared/env.ts';
import { sns } from './clients.ts';

export interface Notification {
  type: 'episode.starting';
  episode_id: string;
  first_question_at: number;
  participant_count: number;
  title?: string;
}

export async function publishNotification(n: Notification): Promise<void> {
  const arn = topicArn('notifications');
  if (arn === 'local:outbox') {
    const file = process.env.NOTIFICATIONS_OUTBOX_FILE;
    if (file) await appendFile(file, `${JSON.stringify({ ...n, published_at: Date.now() })}\n`);
    return;
  }
  await sns.send(
    new PublishCommand({
      TopicArn: arn,
      Subject: 'Trivia Live: your show is starting',
      Message: JSON.stringify(n),
      MessageAttributes: { type: { DataType: 'String', StringValue: n.type }, episode_id: { DataType: 'String', StringValue: n.episode_id } },
    }),
  );
}
