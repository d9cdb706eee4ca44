import { buildSchema, type GraphQLSchema } from 'graphql';

/**
 * The subset of GitHub's public GraphQL schema the simulator serves, with GitHub's type, field,
 * argument and enum names, so a query written against GitHub runs here unchanged (and a field
 * GitHub lacks fails validation here too). Enum values the simulator cannot order by are left
 * out rather than answered wrongly. As on GitHub, review (and large pull request) IDs exceed
 * GraphQL's 32-bit `Int`: `databaseId` then answers null with an error, `fullDatabaseId` (a
 * BigInt, sent as a string) is the field to read.
 * https://docs.github.com/graphql/reference/objects
 */
export const GITHUB_SDL = /* GraphQL */ `
  "An ISO-8601 encoded UTC date string."
  scalar DateTime
  "An RFC 3986, RFC 3987, and RFC 6570 (level 4) compliant URI string."
  scalar URI
  "A Git object ID."
  scalar GitObjectID
  "Represents non-fractional signed whole numeric values. Since the value may exceed the size of a 32-bit integer, it's encoded as a string."
  scalar BigInt

  type Query {
    organization(login: String!): Organization
    repository(owner: String!, name: String!, followRenames: Boolean = true): Repository
    node(id: ID!): Node
    nodes(ids: [ID!]!): [Node]!
    rateLimit: RateLimit
  }

  interface Node {
    id: ID!
  }

  interface Actor {
    login: String!
    url: URI!
  }

  interface RepositoryOwner {
    id: ID!
    login: String!
    url: URI!
    repositories(first: Int, after: String, last: Int, before: String, orderBy: RepositoryOrder, privacy: RepositoryPrivacy): RepositoryConnection!
  }

  type User implements Node & Actor {
    id: ID!
    databaseId: Int
    login: String!
    url: URI!
  }

  type Organization implements Node & Actor & RepositoryOwner {
    id: ID!
    databaseId: Int
    login: String!
    name: String
    url: URI!
    repositories(first: Int, after: String, last: Int, before: String, orderBy: RepositoryOrder, privacy: RepositoryPrivacy): RepositoryConnection!
  }

  type RateLimit {
    cost: Int!
    limit: Int!
    nodeCount: Int!
    remaining: Int!
    resetAt: DateTime!
    used: Int!
  }

  type PageInfo {
    endCursor: String
    hasNextPage: Boolean!
    hasPreviousPage: Boolean!
    startCursor: String
  }

  enum OrderDirection { ASC DESC }
  enum RepositoryPrivacy { PUBLIC PRIVATE }
  enum RepositoryVisibility { PUBLIC PRIVATE INTERNAL }
  enum RepositoryOrderField { CREATED_AT UPDATED_AT PUSHED_AT NAME }
  input RepositoryOrder { field: RepositoryOrderField!, direction: OrderDirection! }
  enum IssueOrderField { CREATED_AT UPDATED_AT }
  input IssueOrder { field: IssueOrderField!, direction: OrderDirection! }
  enum PullRequestState { OPEN CLOSED MERGED }
  enum PullRequestReviewState { PENDING COMMENTED APPROVED CHANGES_REQUESTED DISMISSED }
  enum CommentAuthorAssociation { MEMBER OWNER MANNEQUIN COLLABORATOR CONTRIBUTOR FIRST_TIME_CONTRIBUTOR FIRST_TIMER NONE }

  type Language { name: String! }
  type Ref { name: String!, prefix: String! }
  type Commit { oid: GitObjectID! }

  type Repository implements Node {
    id: ID!
    databaseId: Int
    name: String!
    nameWithOwner: String!
    owner: RepositoryOwner!
    description: String
    url: URI!
    isPrivate: Boolean!
    visibility: RepositoryVisibility!
    isFork: Boolean!
    isArchived: Boolean!
    isDisabled: Boolean!
    createdAt: DateTime!
    updatedAt: DateTime!
    pushedAt: DateTime
    defaultBranchRef: Ref
    primaryLanguage: Language
    stargazerCount: Int!
    forkCount: Int!
    pullRequest(number: Int!): PullRequest
    pullRequests(first: Int, after: String, last: Int, before: String, orderBy: IssueOrder, states: [PullRequestState!]): PullRequestConnection!
  }

  type Label implements Node {
    id: ID!
    name: String!
    color: String!
    isDefault: Boolean!
  }

  type PullRequest implements Node {
    id: ID!
    databaseId: Int @deprecated(reason: "\`databaseId\` will be removed because it does not support 64-bit signed integer identifiers. Use \`fullDatabaseId\` instead.")
    fullDatabaseId: BigInt
    number: Int!
    title: String!
    body: String!
    url: URI!
    state: PullRequestState!
    isDraft: Boolean!
    locked: Boolean!
    closed: Boolean!
    closedAt: DateTime
    merged: Boolean!
    mergedAt: DateTime
    mergeCommit: Commit
    createdAt: DateTime!
    updatedAt: DateTime!
    author: Actor
    authorAssociation: CommentAuthorAssociation!
    headRefName: String!
    headRefOid: GitObjectID!
    baseRefName: String!
    baseRefOid: GitObjectID!
    additions: Int!
    deletions: Int!
    changedFiles: Int!
    repository: Repository!
    labels(first: Int, after: String, last: Int, before: String): LabelConnection
    reviews(first: Int, after: String, last: Int, before: String, states: [PullRequestReviewState!]): PullRequestReviewConnection
  }

  type PullRequestReview implements Node {
    id: ID!
    databaseId: Int @deprecated(reason: "\`databaseId\` will be removed because it does not support 64-bit signed integer identifiers. Use \`fullDatabaseId\` instead.")
    fullDatabaseId: BigInt
    state: PullRequestReviewState!
    body: String!
    url: URI!
    author: Actor
    authorAssociation: CommentAuthorAssociation!
    commit: Commit
    createdAt: DateTime!
    submittedAt: DateTime
    pullRequest: PullRequest!
  }

  type RepositoryEdge { cursor: String!, node: Repository }
  type RepositoryConnection { edges: [RepositoryEdge], nodes: [Repository], pageInfo: PageInfo!, totalCount: Int! }
  type PullRequestEdge { cursor: String!, node: PullRequest }
  type PullRequestConnection { edges: [PullRequestEdge], nodes: [PullRequest], pageInfo: PageInfo!, totalCount: Int! }
  type PullRequestReviewEdge { cursor: String!, node: PullRequestReview }
  type PullRequestReviewConnection { edges: [PullRequestReviewEdge], nodes: [PullRequestReview], pageInfo: PageInfo!, totalCount: Int! }
  type LabelEdge { cursor: String!, node: Label }
  type LabelConnection { edges: [LabelEdge], nodes: [Label], pageInfo: PageInfo!, totalCount: Int! }
`;

let built: GraphQLSchema | undefined;

/** Built once per process: schema construction costs more than a query. */
export function githubSchema(): GraphQLSchema {
  built ??= buildSchema(GITHUB_SDL);
  return built;
}

/** GitHub's connection types all end in `Connection`; they are what costs and node limits count. */
export function isConnectionType(name: string): boolean {
  return name.endsWith('Connection');
}
