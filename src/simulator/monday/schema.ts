import { buildSchema, type GraphQLSchema } from 'graphql';

/**
 * The subset of Monday's API 2026-10 schema the simulator serves, in its own names and shapes.
 * https://developer.monday.com/api-reference/reference/about-the-api-reference
 */
const SDL = /* GraphQL */ `
  scalar JSON
  scalar CompareValue

  type Query {
    boards(ids: [ID!], limit: Int, page: Int): [Board]
    items(ids: [ID!]): [Item]
    next_items_page(cursor: String!, limit: Int): ItemsResponse!
    items_page_by_column_values(board_id: ID!, limit: Int, cursor: String, columns: [ItemsPageByColumnValuesQuery!]): ItemsResponse!
    complexity: Complexity
    me: User
  }

  type Mutation {
    create_group(board_id: ID!, group_name: String!, group_color: String, relative_to: String, position_relative_method: PositionRelative): Group
    create_item(board_id: ID!, item_name: String!, group_id: String, column_values: JSON, create_labels_if_missing: Boolean, position_relative_method: PositionRelative, relative_to: ID): Item
    change_multiple_column_values(board_id: ID!, item_id: ID, column_values: JSON!, create_labels_if_missing: Boolean): Item
    create_subitem(parent_item_id: ID!, item_name: String!, column_values: JSON, create_labels_if_missing: Boolean): Item
    complexity: Complexity
  }

  enum PositionRelative { before_at after_at }
  enum ItemsQueryOperator { and or }
  enum ItemsQueryRuleOperator { any_of not_any_of is_empty is_not_empty }
  enum ColumnType { name text long_text numbers date status dropdown subtasks }

  input ItemsPageByColumnValuesQuery { column_id: String!, column_values: [String]! }
  input ItemsQueryRule { column_id: ID!, compare_value: CompareValue!, operator: ItemsQueryRuleOperator }
  input ItemsQuery { rules: [ItemsQueryRule!], operator: ItemsQueryOperator }

  type Complexity { before: Int! after: Int! query: Int! reset_in_x_seconds: Int! }
  type User { id: ID! name: String! }

  type Board {
    id: ID!
    name: String!
    groups(ids: [String]): [Group]
    columns(ids: [String], types: [ColumnType]): [Column]
    items_page(limit: Int, cursor: String, query_params: ItemsQuery): ItemsResponse!
    items_count: Int
  }

  type Group { id: ID! title: String! color: String! }
  type Column { id: ID! title: String! type: ColumnType! settings: JSON settings_str: String! @deprecated(reason: "Use settings") }
  type ItemsResponse { cursor: String items: [Item!]! }
  type ColumnValue { id: ID! text: String value: JSON type: ColumnType! }

  type Item {
    id: ID!
    name: String!
    group: Group
    board: Board
    column_values(ids: [String!]): [ColumnValue!]!
    subitems: [Item]
    parent_item: Item
    created_at: String
  }
`;

export function mondaySchema(): GraphQLSchema {
  return buildSchema(SDL);
}

/** Page sizes (Monday: `limit` at most 500 for item pages, default 25). */
export const MAX_PAGE = 500;
export const DEFAULT_PAGE = 25;
