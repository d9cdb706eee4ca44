/*
 * The GraphQL documents the GitHub source sends. Each is a named operation (the name is what
 * GitHub and our audit trail show for it) that also asks for `rateLimit`, so every answer says
 * what it cost. Costs, by GitHub's formula (requests to fill each connection, / 100, rounded,
 * at least 1): a page of 100 pull requests with 100 reviews each is 1 + 100 requests = 1 point.
 * https://docs.github.com/graphql/overview/rate-limits-and-query-limits-for-the-graphql-api
 */

/** Reviews fetched with each pull request; GitHub's most per connection. */
export const REVIEWS_PER_PAGE = 100;

const RATE_LIMIT = 'rateLimit { cost remaining limit resetAt }';

const REPOSITORY = `fragment SyncscopeRepository on Repository {
  databaseId id name nameWithOwner owner { login } isPrivate defaultBranchRef { name } url createdAt updatedAt
}`;

// `databaseId` is a 32-bit Int that large IDs overflow; `fullDatabaseId` (a BigInt string) is not.
const PULL_REQUEST = `fragment SyncscopePullRequest on PullRequest {
  id fullDatabaseId number title state isDraft author { __typename login } createdAt updatedAt closedAt mergedAt
  headRefName baseRefName url
}`;

const REVIEW = `fragment SyncscopeReview on PullRequestReview {
  id fullDatabaseId state author { __typename login } submittedAt body url
}`;

const PAGE_INFO = 'pageInfo { hasNextPage endCursor }';

export const ORG_REPOSITORIES = `query SyncscopeOrgRepositories($login: String!, $after: String) {
  organization(login: $login) {
    repositories(first: 100, after: $after, orderBy: { field: NAME, direction: ASC }) {
      nodes { ...SyncscopeRepository } ${PAGE_INFO}
    }
  }
  ${RATE_LIMIT}
}
${REPOSITORY}`;

export const REPOSITORY_BY_NAME = `query SyncscopeRepository($owner: String!, $name: String!) {
  repository(owner: $owner, name: $name) { ...SyncscopeRepository }
  ${RATE_LIMIT}
}
${REPOSITORY}`;

/** Pull requests oldest first, so a cursor stays valid while new ones are opened. */
export const PULL_REQUESTS = `query SyncscopePullRequests($owner: String!, $name: String!, $first: Int!, $after: String) {
  repository(owner: $owner, name: $name) {
    pullRequests(first: $first, after: $after, orderBy: { field: CREATED_AT, direction: ASC }) {
      nodes { ...SyncscopePullRequest } ${PAGE_INFO}
    }
  }
  ${RATE_LIMIT}
}
${PULL_REQUEST}`;

export const PULL_REQUESTS_WITH_REVIEWS = `query SyncscopePullRequestsWithReviews($owner: String!, $name: String!, $first: Int!, $after: String) {
  repository(owner: $owner, name: $name) {
    pullRequests(first: $first, after: $after, orderBy: { field: CREATED_AT, direction: ASC }) {
      nodes {
        ...SyncscopePullRequest
        reviews(first: ${REVIEWS_PER_PAGE}) { nodes { ...SyncscopeReview } ${PAGE_INFO} }
      }
      ${PAGE_INFO}
    }
  }
  ${RATE_LIMIT}
}
${PULL_REQUEST}
${REVIEW}`;

/** The next page of one pull request's reviews, for the few with more than one page. */
export const PULL_REQUEST_REVIEWS = `query SyncscopePullRequestReviews($id: ID!, $after: String!) {
  node(id: $id) {
    ... on PullRequest { reviews(first: ${REVIEWS_PER_PAGE}, after: $after) { nodes { ...SyncscopeReview } ${PAGE_INFO} } }
  }
  ${RATE_LIMIT}
}
${REVIEW}`;
