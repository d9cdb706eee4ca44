/**
 * The subset of GitHub's REST response shapes the simulator serves.
 * https://docs.github.com/rest/repos/repos, /rest/pulls/pulls, /rest/pulls/reviews
 */

export interface GithubUser {
  login: string;
  id: number;
  node_id: string;
  type: 'User' | 'Organization';
  site_admin: boolean;
}

export interface GithubRepo {
  id: number;
  node_id: string;
  name: string;
  full_name: string;
  private: boolean;
  visibility: 'public' | 'private';
  owner: GithubUser;
  html_url: string;
  description: string | null;
  fork: boolean;
  default_branch: string;
  created_at: string;
  updated_at: string;
  pushed_at: string;
  language: string | null;
  stargazers_count: number;
  watchers_count: number;
  forks_count: number;
  open_issues_count: number;
  archived: boolean;
  disabled: boolean;
  topics: string[];
}

export interface GithubLabel {
  id: number;
  node_id: string;
  name: string;
  color: string;
  default: boolean;
}

export interface GithubBranchRef {
  label: string;
  ref: string;
  sha: string;
}

export interface GithubPullRequest {
  id: number;
  node_id: string;
  number: number;
  state: 'open' | 'closed';
  locked: boolean;
  title: string;
  user: GithubUser;
  body: string | null;
  labels: GithubLabel[];
  draft: boolean;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  merged_at: string | null;
  merge_commit_sha: string | null;
  head: GithubBranchRef;
  base: GithubBranchRef;
  html_url: string;
  author_association: 'MEMBER' | 'CONTRIBUTOR';
}

/** GET /repos/{owner}/{repo}/pulls/{number} adds counts the list endpoint leaves out. */
export interface GithubPullRequestDetail extends GithubPullRequest {
  merged: boolean;
  comments: number;
  review_comments: number;
  commits: number;
  additions: number;
  deletions: number;
  changed_files: number;
}

export interface GithubReview {
  id: number;
  node_id: string;
  user: GithubUser;
  body: string;
  state: 'APPROVED' | 'COMMENTED' | 'CHANGES_REQUESTED';
  html_url: string;
  commit_id: string;
  submitted_at: string;
  author_association: 'MEMBER' | 'CONTRIBUTOR';
}
