/**
 * The analytics models in the synthesized stack: the client events' Glue table over their prefix of the archive, and
 * one Glue VIRTUAL_VIEW per view of lib/analyticsViews.ts whose Presto view text carries exactly that SQL (the SQL
 * test/unit/analyticsViews.test.ts runs in DuckDB) and its declared columns.
 */
import { NestedStack, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_EVENT_COLUMNS, HIVE_TYPE, VIEWS } from '../../lib/analyticsViews.ts';
import type { TriviaStack } from '../../lib/triviaStack.ts';
import { logicalId, synthStack, type CfnResourceJson } from './synth.ts';

let stack: TriviaStack;
/** The models' nested stack, and the main stack that passes it the database. */
let template: Template;
let main: Template;

beforeAll(() => {
  ({ stack, template: main } = synthStack('test'));
  template = Template.fromStack(Stack.of(stack.analyticsModels) as NestedStack);
}, 120_000);

/** The value the main stack passes for a parameter of the nested stack (`{Ref: param}` inside it). */
function passedIn(ref: unknown): unknown {
  const param = (ref as { Ref: string }).Ref;
  const nested = Object.values(main.findResources('AWS::CloudFormation::Stack')) as { Properties: { Parameters: Record<string, unknown> } }[];
  return nested.map((n) => n.Properties.Parameters?.[param]).find((v) => v !== undefined);
}

interface TableInput {
  Name: string;
  TableType: string;
  Parameters: Record<string, unknown>;
  ViewOriginalText?: string;
  StorageDescriptor: { Columns: { Name: string; Type: string }[]; Location?: unknown };
  PartitionKeys?: { Name: string; Type: string }[];
}
const glueTables = () => (Object.values(template.findResources('AWS::Glue::Table')) as CfnResourceJson[]).map((t) => t.Properties);
const named = (name: string) => {
  const found = glueTables().filter((p) => (p.TableInput as TableInput).Name === name);
  expect(found, name).toHaveLength(1);
  return found[0] as { DatabaseName: unknown; TableInput: TableInput };
};

describe('client_events table', () => {
  it('reads the client.event prefix of the archive, by day, with the lake record columns', () => {
    const t = named('client_events');
    expect(passedIn(t.DatabaseName)).toEqual({ Ref: logicalId(stack.analytics.database) });
    expect(t.TableInput.TableType).toBe('EXTERNAL_TABLE');
    expect(JSON.stringify(t.TableInput.StorageDescriptor.Location)).toContain('/events/event_type=client.event/');
    expect(t.TableInput.Parameters).toMatchObject({ 'projection.enabled': 'true', 'projection.dt.type': 'date' });
    expect(t.TableInput.PartitionKeys).toEqual([{ Name: 'dt', Type: 'string' }]);
    expect(t.TableInput.StorageDescriptor.Columns.map((c) => [c.Name, c.Type])).toEqual(CLIENT_EVENT_COLUMNS.map((c) => [c.name, c.type]));
  });
});

describe('Athena views', () => {
  it('exist once each, and nothing else is a view', () => {
    const views = glueTables().filter((p) => (p.TableInput as TableInput).TableType === 'VIRTUAL_VIEW');
    expect(views.map((v) => (v.TableInput as TableInput).Name).sort()).toEqual(VIEWS.map((v) => v.name).sort());
  });

  it.each(VIEWS.map((v) => [v.name, v] as const))('%s carries the tested SQL and its columns in Presto view format', (name, view) => {
    const { TableInput: t, DatabaseName } = named(name);
    expect(passedIn(DatabaseName)).toEqual({ Ref: logicalId(stack.analytics.database) });
    expect(t.Parameters).toEqual({ presto_view: 'true', comment: 'Presto View' });
    const match = /^\/\* Presto View: ([A-Za-z0-9+/=]+) \*\/$/.exec(t.ViewOriginalText ?? '');
    expect(match).not.toBeNull();
    const body = JSON.parse(Buffer.from(match![1], 'base64').toString('utf8'));
    expect(body).toEqual({
      originalSql: view.sql,
      catalog: 'awsdatacatalog',
      schema: stack.analytics.databaseName,
      columns: view.columns.map(([n, type]) => ({ name: n, type })),
    });
    expect(t.StorageDescriptor.Columns).toEqual(view.columns.map(([n, type]) => ({ Name: n, Type: HIVE_TYPE[type] })));
  });

  it('are created after the tables and after the views before them', () => {
    const resources = template.toJSON().Resources as Record<string, { DependsOn?: string[] }>;
    for (let i = 1; i < VIEWS.length; i++) {
      const deps = resources[logicalId(stack.analyticsModels.views[VIEWS[i].name])].DependsOn ?? [];
      expect(deps).toEqual(expect.arrayContaining([logicalId(stack.analyticsModels.clientEventsTable), logicalId(stack.analyticsModels.views[VIEWS[i - 1].name])]));
    }
    // The lake's events table lives in the main stack: the whole nested stack waits for it.
    const nested = main.toJSON().Resources as Record<string, { Type: string; DependsOn?: string[] }>;
    const models = Object.values(nested).find((r) => r.Type === 'AWS::CloudFormation::Stack');
    expect(models?.DependsOn ?? []).toContain(logicalId(stack.analytics.table));
  });
});
