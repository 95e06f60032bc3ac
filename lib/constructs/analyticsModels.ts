/**
 * The analytics models in the Glue catalog, beside the domain events' `events` table (lib/constructs/analytics.ts):
 *
 * - `client_events`: the client events' lake records (lambda/domain/clientEvents.ts `lakeRecord`), which reach the same
 *   bucket through the same bus, rule and Firehose stream, under `events/event_type=client.event/dt=<day>/`;
 * - the layered Athena views of lib/analyticsViews.ts (staging → business → reports), each a Glue VIRTUAL_VIEW in
 *   Athena's "Presto view" format: the SQL and its columns, base64-encoded JSON, in `viewOriginalText`.
 */
import { Stack } from 'aws-cdk-lib';
import { CfnTable } from 'aws-cdk-lib/aws-glue';
import { Construct } from 'constructs';
import { CLIENT_EVENT_COLUMNS, HIVE_TYPE, LAKE_TABLES, VIEWS, type ViewDefinition } from '../analyticsViews.ts';
import { CLIENT_EVENT_TYPE } from '../../lambda/domain/clientEvents.ts';
import { ARCHIVE_PREFIX, type Analytics } from './analytics.ts';

/** The text Athena stores for a view: `/* Presto View: <base64 JSON> *\/`. */
export function prestoViewText(view: ViewDefinition, database: string): string {
  const body = { originalSql: view.sql, catalog: 'awsdatacatalog', schema: database, columns: view.columns.map(([name, type]) => ({ name, type })) };
  return `/* Presto View: ${Buffer.from(JSON.stringify(body)).toString('base64')} */`;
}

export interface AnalyticsModelsProps {
  readonly analytics: Analytics;
  /** Earliest day the client events' partition projection covers (yyyy-MM-dd). */
  readonly firstDay?: string;
}

export class AnalyticsModels extends Construct {
  readonly clientEventsTable: CfnTable;
  readonly views: Record<string, CfnTable> = {};

  constructor(scope: Construct, id: string, props: AnalyticsModelsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const { analytics } = props;
    const location = `s3://${analytics.bucket.bucketName}/${ARCHIVE_PREFIX}event_type=${CLIENT_EVENT_TYPE}/`;
    this.clientEventsTable = new CfnTable(this, 'ClientEventsTable', {
      catalogId: stack.account,
      databaseName: analytics.database.ref,
      tableInput: {
        name: LAKE_TABLES.clientEvents,
        description: 'Client events {id, type, version, time, received_at, session_id, anonymous_id, user_id, category, name, data (JSON text)}, by day',
        tableType: 'EXTERNAL_TABLE',
        parameters: {
          classification: 'json',
          compressionType: 'gzip',
          'projection.enabled': 'true',
          'projection.dt.type': 'date',
          'projection.dt.format': 'yyyy-MM-dd',
          'projection.dt.range': `${props.firstDay ?? '2026-01-01'},NOW`,
          'projection.dt.interval': '1',
          'projection.dt.interval.unit': 'DAYS',
          'storage.location.template': `${location}dt=\${dt}/`,
        },
        partitionKeys: [{ name: 'dt', type: 'string' }],
        storageDescriptor: {
          location,
          inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
          serdeInfo: { serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe', parameters: { 'ignore.malformed.json': 'true' } },
          columns: CLIENT_EVENT_COLUMNS,
        },
      },
    });

    // Views in their order in VIEWS (each after the ones it reads), so that CloudFormation creates the layers in order.
    let previous: CfnTable | undefined;
    for (const view of VIEWS) {
      const table = new CfnTable(this, `View_${view.name}`, {
        catalogId: stack.account,
        databaseName: analytics.database.ref,
        tableInput: {
          name: view.name,
          description: `${view.layer}: ${view.description}`,
          tableType: 'VIRTUAL_VIEW',
          parameters: { presto_view: 'true', comment: 'Presto View' },
          viewOriginalText: prestoViewText(view, analytics.databaseName),
          viewExpandedText: '/* Presto View */',
          storageDescriptor: {
            columns: view.columns.map(([name, type]) => ({ name, type: HIVE_TYPE[type] })),
            serdeInfo: {},
          },
        },
      });
      table.addResourceDependency(analytics.table);
      table.addResourceDependency(this.clientEventsTable);
      if (previous) table.addResourceDependency(previous);
      this.views[view.name] = table;
      previous = table;
    }
  }
}
