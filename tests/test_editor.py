"""The editor and `validate` agree, checked with the editor's own checker (issue 13, item 7).

VS Code's YAML extension is Red Hat's yaml-language-server. This test starts it (npm
package ``yaml-language-server``; found on PATH, in ``$KAM_YAML_LANGUAGE_SERVER``, or
installed by .ci/run), points it at scenarios/kam-scenario.schema.json, opens every
fixture and shipped scenario, and compares its verdict (any error diagnostic) with
validate's. It is skipped where the server is not installed; tests/test_schema.py makes
the same comparison with jsonschema everywhere.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import threading
from pathlib import Path
from typing import Any

import pytest

from kam_sandbox.engine.loader import check_scenario, shipped_scenarios

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
SCHEMA = ROOT / "scenarios" / "kam-scenario.schema.json"
#: Bytes that are not UTF-8 are the editor's own business (it asks for the encoding).
FILES = [p for p in sorted(DATA.glob("*.yaml")) + shipped_scenarios() if p.name != "gbk.yaml"]

#: validate rejects these and the editor cannot see why: references between sections.
REFERENCES = {"broken_refs.yaml", "role_no_roles.yaml"}
#: The language server reads `{zh: 阿克米, en: Acme, Ltd.}` as a key `Ltd.` with no value
#: and does not check such a key against the schema; validate and jsonschema reject it.
SERVER_GAPS = {"comma_in_text.yaml"}
WAIT = 60.0  # seconds for all diagnostics: a bound, not a measurement


def _server() -> str | None:
    found = os.environ.get("KAM_YAML_LANGUAGE_SERVER") or shutil.which("yaml-language-server")
    return found if found and Path(found).exists() else None


class LanguageServer:
    """A minimal LSP client: open documents, collect the diagnostics the server publishes."""

    def __init__(self, command: str, settings: dict[str, Any]):
        self.settings = settings
        self.proc = subprocess.Popen([command, "--stdio"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.inbox: queue.Queue[dict | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self._send({"id": 1, "method": "initialize", "params": {
            "processId": None, "rootUri": None,
            "capabilities": {"workspace": {"configuration": True}}}})
        self._send({"method": "initialized", "params": {}})
        self._send({"method": "workspace/didChangeConfiguration",
                    "params": {"settings": {"yaml": settings}}})

    def _send(self, message: dict[str, Any]) -> None:
        data = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(data) + data)
        self.proc.stdin.flush()

    def _read(self) -> None:
        out = self.proc.stdout
        assert out is not None
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    self.inbox.put(None)
                    return
                if not line.strip():
                    break
                name, _, value = line.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            self.inbox.put(json.loads(out.read(length or 0)))

    def diagnose(self, paths: list[Path]) -> dict[str, list[dict]]:
        """Every path's diagnostics, by file name."""
        uris = {p.resolve().as_uri(): p.name for p in paths}
        for path in paths:
            self._send({"method": "textDocument/didOpen", "params": {"textDocument": {
                "uri": path.resolve().as_uri(), "languageId": "yaml", "version": 1,
                "text": path.read_text(encoding="utf-8-sig")}}})
        found: dict[str, list[dict]] = {}
        while len(found) < len(uris):
            message = self.inbox.get(timeout=WAIT)
            if message is None:
                raise RuntimeError("the language server stopped")
            if "id" in message and "method" in message:  # a request of the server's
                items = message.get("params", {}).get("items", [])
                result = [self.settings for _ in items] if items else None
                self._send({"id": message["id"], "result": result})
            elif message.get("method") == "textDocument/publishDiagnostics":
                uri = message["params"]["uri"]
                if uri in uris:
                    found[uris[uri]] = message["params"]["diagnostics"]
        return found

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait()


@pytest.fixture(scope="module")
def diagnostics() -> dict[str, list[dict]]:
    command = _server()
    if command is None:
        pytest.skip("yaml-language-server is not installed (npm install yaml-language-server)")
    server = LanguageServer(command, {"validate": True, "schemaStore": {"enable": False},
                                      "schemas": {SCHEMA.as_uri(): "*.yaml"}})
    try:
        return server.diagnose(FILES)
    finally:
        server.close()


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_the_editor_and_validate_agree(path: Path, diagnostics: dict[str, list[dict]]) -> None:
    editor_accepts = not [d for d in diagnostics[path.name] if d.get("severity", 1) == 1]
    validate_accepts = check_scenario(path)[0] is not None
    if path.name in REFERENCES | SERVER_GAPS:
        assert editor_accepts and not validate_accepts
    else:
        assert editor_accepts == validate_accepts, diagnostics[path.name]


def test_the_editor_shows_the_bounds(diagnostics: dict[str, list[dict]]) -> None:
    """The ranges and lengths validate enforces reach the editor through the schema."""
    said = {name: " ".join(d["message"] for d in found) for name, found in diagnostics.items()}
    assert "maximum of 5" in said["constant_overflow.yaml"]
    assert "maximum length of 240" in said["text_too_long.yaml"]
    assert 'Expected "boolean"' in said["yaml11_bool.yaml"]
