"""Post the check's markdown report as one pull-request comment, or update the one posted before.

The comment is found again by a hidden marker (``<!-- ticketcost -->``) on its first line, so a
pull request gets one comment that every later run rewrites, not one per push. GitHub REST API:
``GET /repos/{repo}/issues/{number}/comments`` (paged), then
``PATCH /repos/{repo}/issues/comments/{id}`` or ``POST /repos/{repo}/issues/{number}/comments``.

Reads the environment GitHub Actions sets: ``GITHUB_API_URL``, ``GITHUB_REPOSITORY``,
``GITHUB_EVENT_PATH`` (the pull request's number) and ``GITHUB_TOKEN`` (given by action.yml).
Standard library only; exits 0 when there is no pull request or the token may not comment (a
fork's pull request), with a ``::warning`` saying so: the budget check, not the comment, decides
the build.
"""

from __future__ import annotations

import json
import os
import sys
import urllib.error
import urllib.request
from typing import Any

MARKER = "<!-- ticketcost -->"


def _call(method: str, url: str, token: str, body: dict[str, Any] | None = None) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Accept", "application/vnd.github+json")
    request.add_header("Authorization", f"Bearer {token}")
    request.add_header("X-GitHub-Api-Version", "2022-11-28")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"null")


def _pull_request_number() -> int | None:
    path = os.environ.get("GITHUB_EVENT_PATH")
    if not path or not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as handle:
        event = json.load(handle)
    number = (event.get("pull_request") or {}).get("number")
    return number if isinstance(number, int) else None


def post(report_path: str) -> str:
    """Create or update the comment; what was done, in a line."""
    number = _pull_request_number()
    if number is None:
        return "comment: not a pull request; nothing posted"
    token = os.environ.get("GITHUB_TOKEN", "")
    if not token:
        return "::warning title=ticketcost::no GITHUB_TOKEN; the pull-request comment was skipped"
    api = os.environ.get("GITHUB_API_URL", "https://api.github.com").rstrip("/")
    repo = os.environ["GITHUB_REPOSITORY"]
    with open(report_path, encoding="utf-8") as handle:
        body = f"{MARKER}\n{handle.read()}"
    page = 1
    while True:
        url = f"{api}/repos/{repo}/issues/{number}/comments?per_page=100&page={page}"
        comments = _call("GET", url, token)
        for comment in comments:
            if str(comment.get("body", "")).startswith(MARKER):
                _call(
                    "PATCH",
                    f"{api}/repos/{repo}/issues/comments/{comment['id']}",
                    token,
                    {"body": body},
                )
                return f"comment: updated {comment.get('html_url', comment['id'])}"
        if len(comments) < 100:
            break
        page += 1
    made = _call("POST", f"{api}/repos/{repo}/issues/{number}/comments", token, {"body": body})
    return f"comment: posted {made.get('html_url', made.get('id'))}"


def main() -> int:
    try:
        print(post(sys.argv[1]))
    except urllib.error.HTTPError as exc:
        # 403/404: a fork's pull request gets a read-only token; the check's result stands.
        print(
            f"::warning title=ticketcost::pull-request comment failed: HTTP {exc.code} {exc.reason}"
        )
    except urllib.error.URLError as exc:
        print(f"::warning title=ticketcost::pull-request comment failed: {exc.reason}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
