"""The GitHub Action (action.yml) run step by step, as a runner would, against a local repository.

Each step's ``run:`` goes to bash with the environment a runner gives a composite action's steps
(``GITHUB_ACTION_PATH``, ``RUNNER_TEMP``, ``GITHUB_ENV``, ``GITHUB_OUTPUT``,
``GITHUB_STEP_SUMMARY``, ``GITHUB_EVENT_PATH``, ``GITHUB_API_URL``…) and ``${{ … }}`` expressions
filled in from the inputs, the ``github`` context and earlier steps' outputs. The pull-request
comment goes to a stand-in for GitHub's REST API on 127.0.0.1 that keeps the comments in memory.
The install step really installs ticketcost from this checkout into a fresh virtual environment.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import ROOT

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

MAIN_CONFIG = """\
volume: 10000
intents:
  - name: all
    share: 1
    model: gpt-5.4-nano
    escalation_rate: 0.2
human:
  hourly_usd: 30
  escalation_minutes: 8
  review_rate: 0
observability:
  monthly_usd: 0
infrastructure: []
budgets:
  cost_per_resolved_ticket:
    max: 2.00
  increase:
    max_percent: 10
"""


class FakeGitHub:
    """Issue comments of one repository, served as GitHub's REST API serves them."""

    def __init__(self) -> None:
        self.comments: list[dict[str, Any]] = []
        self.calls: list[str] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _reply(self, status: int, payload: Any) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _body(self) -> dict[str, Any]:
                length = int(self.headers.get("Content-Length", 0))
                return json.loads(self.rfile.read(length))

            def do_GET(self) -> None:
                fake.calls.append(f"GET {self.path}")
                assert self.headers["Authorization"] == "Bearer test-token"
                if re.fullmatch(
                    r"/repos/acme/support/issues/7/comments\?per_page=100&page=1", self.path
                ):
                    return self._reply(200, fake.comments)
                return self._reply(200, [])

            def do_POST(self) -> None:
                fake.calls.append(f"POST {self.path}")
                assert self.path == "/repos/acme/support/issues/7/comments"
                comment = {"id": 100 + len(fake.comments), "body": self._body()["body"]}
                fake.comments.append(comment)
                self._reply(201, comment)

            def do_PATCH(self) -> None:
                fake.calls.append(f"PATCH {self.path}")
                number = int(self.path.rsplit("/", 1)[1])
                comment = next(c for c in fake.comments if c["id"] == number)
                comment["body"] = self._body()["body"]
                self._reply(200, comment)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A pull request's checkout: main has the config, the branch makes it 30% dearer."""
    origin, work = tmp_path / "origin.git", tmp_path / "work"
    subprocess.run(["git", "init", "--bare", "-q", "-b", "main", str(origin)], check=True)
    subprocess.run(["git", "clone", "-q", str(origin), str(work)], check=True, capture_output=True)
    _git(work, "config", "user.email", "ci@example.com")
    _git(work, "config", "user.name", "CI")
    (work / "support.yaml").write_text(MAIN_CONFIG)
    _git(work, "add", "support.yaml")
    _git(work, "commit", "-q", "-m", "config")
    _git(work, "push", "-q", "origin", "main")
    _git(work, "checkout", "-q", "-b", "dearer")
    # escalations 20% -> 25%: cost per resolved ticket rises past the 10% increase budget
    (work / "support.yaml").write_text(MAIN_CONFIG.replace("0.2\n", "0.25\n", 1))
    return work


def run_action(repo: Path, temp: Path, api: str, inputs: dict[str, str]) -> dict[str, Any]:
    """Run action.yml's steps in order; each step's exit code and output, and the summary."""
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    values = {name: str(spec.get("default", "")) for name, spec in action["inputs"].items()}
    values |= inputs
    github = {"base_ref": "main", "token": "test-token", "event_name": "pull_request"}
    temp.mkdir(exist_ok=True)
    event = temp / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": 7}}))
    summary = temp / "summary.md"
    job_env: dict[str, str] = {}
    outputs: dict[str, dict[str, str]] = {}
    steps: list[dict[str, Any]] = []
    failed = False

    def expand(text: str) -> str:
        def value(match: re.Match[str]) -> str:
            expression = match.group(1).strip()
            scope, _, name = expression.partition(".")
            if scope == "inputs":
                return expand(values[name])
            if scope == "github":
                return github[name]
            if scope == "steps":
                step, _, output = name.partition(".outputs.")
                return outputs.get(step, {}).get(output, "")
            raise AssertionError(f"expression not known to this test: {expression}")

        return re.sub(r"\$\{\{(.*?)\}\}", value, text)

    for step in action["runs"]["steps"]:
        condition = step.get("if", "success()")
        if failed and "always()" not in condition:
            continue
        output_file, env_file = temp / "output", temp / "env"
        output_file.write_text("")
        env_file.write_text("")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "PYTHON"))}
        env |= {
            "CI": "true",
            "GITHUB_ACTIONS": "true",
            "GITHUB_ACTION_PATH": str(ROOT),
            "GITHUB_API_URL": api,
            "GITHUB_REPOSITORY": "acme/support",
            "GITHUB_EVENT_NAME": "pull_request",
            "GITHUB_EVENT_PATH": str(event),
            "GITHUB_BASE_REF": "main",
            "GITHUB_ENV": str(env_file),
            "GITHUB_OUTPUT": str(output_file),
            "GITHUB_STEP_SUMMARY": str(summary),
            "RUNNER_TEMP": str(temp),
            "INPUT_PYTHON": sys.executable,
        }
        env |= job_env
        env |= {name: expand(str(text)) for name, text in step.get("env", {}).items()}
        assert step["shell"] == "bash"
        done = subprocess.run(
            ["bash", "-e", "-c", step["run"]], cwd=repo, env=env, capture_output=True, text=True
        )
        steps.append(
            {"name": step["name"], "code": done.returncode, "out": done.stdout + done.stderr}
        )
        failed = failed or done.returncode != 0
        for line in env_file.read_text().splitlines():
            key, _, val = line.partition("=")
            job_env[key] = val
        if "id" in step:
            outputs[step["id"]] = dict(
                line.partition("=")[::2] for line in output_file.read_text().splitlines()
            )
    return {"steps": steps, "summary": summary.read_text() if summary.exists() else ""}


def test_action_checks_annotates_summarises_and_keeps_one_comment(repo: Path, tmp_path: Path):
    github = FakeGitHub()
    try:
        first = run_action(repo, tmp_path / "run1", github.url, {"config": "support.yaml"})
        install, check, comment = first["steps"]
        assert install["code"] == 0, install["out"]
        assert "ticketcost 0." in install["out"]
        # escalated tickets cost 8 min x $30/h = $4 each; on main 2,000 of 10,000 -> $8,000 over
        # 8,000 resolved = $1.00 + API; on the branch 2,500 -> $10,000 / 7,500 = $1.333 + API:
        # a rise of about 33%, past the 10% the increase budget allows. The build fails (1) ...
        assert check["code"] == 1, check["out"]
        assert "Baseline: support.yaml on main" in check["out"]
        assert "FAIL" in check["out"]
        # ... annotates the budget's line in the config (`max_percent: 10` is line 18) ...
        assert re.search(
            r"::error file=support.yaml,line=18,title=ticketcost budget::", check["out"]
        )
        # ... writes the job summary, and the comment step still runs and posts one comment.
        assert "FAIL" in first["summary"]
        assert comment["code"] == 0, comment["out"]
        assert len(github.comments) == 1
        assert github.comments[0]["body"].startswith("<!-- ticketcost -->\n")
        assert "Rise in cost per resolved ticket" in github.comments[0]["body"]

        # A later push (21% escalated: 2,100 x $4 / 7,900 = $1.063 + API, about +6%): the same
        # comment is rewritten in place, never a second one.
        (repo / "support.yaml").write_text(MAIN_CONFIG.replace("0.2\n", "0.21\n", 1))
        second = run_action(repo, tmp_path / "run2", github.url, {"config": "support.yaml"})
        assert [s["code"] for s in second["steps"]] == [0, 0, 0], second["steps"]
        assert len(github.comments) == 1
        assert "PASS" in github.comments[0]["body"]
        assert github.calls.count("POST /repos/acme/support/issues/7/comments") == 1
        assert any(
            call.startswith("PATCH /repos/acme/support/issues/comments/100")
            for call in github.calls
        )
    finally:
        github.server.shutdown()


def test_action_refuses_a_config_without_budgets(repo: Path, tmp_path: Path):
    (repo / "bare.yaml").write_text(MAIN_CONFIG.split("budgets:")[0])
    github = FakeGitHub()
    try:
        run = run_action(
            repo, tmp_path / "run", github.url, {"config": "bare.yaml", "comment": "false"}
        )
        _install, check, _comment = run["steps"]
        assert check["code"] == 2, check["out"]
        assert "budgets: none set" in check["out"] and "--allow-no-budgets" in check["out"]
        assert "Traceback" not in check["out"]
        assert github.comments == []
        allowed = run_action(
            repo,
            tmp_path / "run2",
            github.url,
            {"config": "bare.yaml", "comment": "false", "allow-no-budgets": "true"},
        )
        assert allowed["steps"][1]["code"] == 0, allowed["steps"][1]["out"]
    finally:
        github.server.shutdown()
