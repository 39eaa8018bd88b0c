"""Schemathesis against the app's own OpenAPI schema, in process: no input gives a 5xx, and
every answer matches the schema (status codes, content types, bodies). Bounded examples per
operation keep it to seconds.

(The operations are driven with Hypothesis here rather than ``schemathesis.pytest``'s lazy
fixture loader, which does not run under pytest 9.2.)
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import positive_data_acceptance

from storylens.config import load_settings
from storylens.web.app import create_app

EXAMPLES = 40
TOKEN: dict[str, str] = {}  # the store's write token, so that the ingest operations are fuzzed too


@pytest.fixture(scope="module")
def api_schema(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Any:
    db = tmp_path_factory.mktemp("fuzz") / "fuzz.db"  # a copy: the fuzzer posts reports
    src = sqlite3.connect(demo_db)
    src.backup(sqlite3.connect(db))
    src.close()
    # schemathesis names the host "testserver": the setting for extra host names lets it in
    settings = load_settings(
        environ={}, overrides={"store.path": str(db), "web.allowed_hosts": "testserver"}
    )
    app = create_app(settings)
    TOKEN["value"] = app.state.web.write_token()
    return schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)


def test_no_operation_gives_a_server_error(api_schema: Any) -> None:
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 10
    failures: dict[str, str] = {}
    calls = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))  # fmt: skip
        def check(case: Any) -> None:
            # a query with no words, or with broken FTS syntax, is a documented 400
            response = case.call_and_validate(
                headers={"Authorization": f"Bearer {TOKEN['value']}"},
                excluded_checks=[positive_data_acceptance],
            )
            calls.append(response.status_code)

        try:
            check()
        except Exception as exc:  # collect every operation's failure, then report them all
            failures[operation.label] = f"{type(exc).__name__}: {exc}"[:2000]
    assert failures == {}
    assert len(calls) > 10 * len(operations) and max(calls) < 500
