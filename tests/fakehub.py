"""A small fake Hugging Face Hub on 127.0.0.1 for tests, as a pytest fixture.

It answers what ``huggingface_hub.hf_hub_download`` (2.4) asks for: ``HEAD`` and ``GET`` on
``/{repo_id}/resolve/{revision}/{filename}`` (``/datasets/...`` and ``/spaces/...`` too) with the
``X-Repo-Commit``, ``ETag`` and ``Content-Length`` headers it requires, ``X-Error-Code:
RepoNotFound`` / ``EntryNotFound`` for what is missing, and ``GET /api/models/{repo_id}`` with a
short listing. For uploads (``HfApi.create_repo`` and ``upload_folder`` on the LFS route, i.e. with Xet
turned off: ``huggingface_hub.constants.HF_HUB_DISABLE_XET = True``) it answers ``POST /api/repos/create``,
``/api/validate-yaml``, ``/api/{type}s/{repo}/preupload/{rev}`` (binaries and files over 1 MB as LFS),
``/{prefix}{repo}.git/info/lfs/objects/batch`` (basic transfer to ``PUT /lfs-upload/{oid}``) and
``/api/{type}s/{repo}/commit/{rev}`` (ndjson), keeping what was pushed in ``repos``, the LFS paths in
``lfs_paths`` and every Authorization header in ``auth``. Use::

    from tests.fakehub import fake_hub  # noqa: F401  (the fixture)

    def test_x(fake_hub):
        fake_hub.add("owner/name", {"config.json": b"{}", "model.safetensors": data})
        gan.hub.load_generator("owner/name")

The fixture points ``HF_ENDPOINT`` at the server, turns Hub offline mode off for the test, and gives
huggingface_hub an empty cache folder under ``tmp_path``. The server stops when the test ends.
"""
from __future__ import annotations

import hashlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

import pytest

COMMIT = "0123456789abcdef0123456789abcdef01234567"


class FakeHub:
    def __init__(self) -> None:
        self.repos: dict[tuple[str, str], dict[str, bytes]] = {}
        self.requests: list[tuple[str, str]] = []
        self.lfs: dict[str, bytes] = {}  # oid -> uploaded LFS object
        self.lfs_paths: dict[tuple[str, str], set[str]] = {}  # (repo_type, repo_id) -> paths stored as LFS
        self.auth: list[str] = []
        self.created: list[dict] = []
        self.server: ThreadingHTTPServer | None = None
        self.thread: threading.Thread | None = None

    # content
    def add(self, repo_id: str, files: dict[str, bytes], repo_type: str = "model") -> None:
        self.repos[(repo_type, repo_id)] = dict(files)

    @property
    def url(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    # lifecycle
    def start(self) -> "FakeHub":
        hub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # keep test output quiet
                pass

            def do_HEAD(self) -> None:
                hub._serve(self, body=False)

            def do_GET(self) -> None:
                hub._serve(self, body=True)

            def do_POST(self) -> None:
                hub._write(self)

            def do_PUT(self) -> None:
                hub._write(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
        if self.thread is not None:
            self.thread.join(timeout=5)

    # requests
    def _parse(self, path: str) -> tuple[str, str, str | None, str | None]:
        """-> (kind, repo_type, repo_id, filename); kind is "resolve", "api" or "unknown"."""
        parts = [unquote(p) for p in urlsplit(path).path.strip("/").split("/")]
        if len(parts) >= 4 and parts[0] == "api" and parts[1] in ("models", "datasets", "spaces"):
            repo_type = {"models": "model", "datasets": "dataset", "spaces": "space"}[parts[1]]
            return "api", repo_type, "/".join(parts[2:4]), None
        repo_type = "model"
        if parts and parts[0] in ("datasets", "spaces"):
            repo_type = parts[0][:-1]
            parts = parts[1:]
        if len(parts) >= 5 and parts[2] == "resolve":
            return "resolve", repo_type, "/".join(parts[:2]), "/".join(parts[4:])
        return "unknown", repo_type, None, None

    def _serve(self, h: BaseHTTPRequestHandler, body: bool) -> None:
        self.requests.append((h.command, h.path))
        kind, repo_type, repo_id, filename = self._parse(h.path)
        files = self.repos.get((repo_type, repo_id or ""))
        if kind == "unknown":
            return self._reply(h, 404, b"not found", body, {"X-Error-Message": "unknown route"})
        if files is None:
            return self._reply(h, 404, b"Repository not found", body,
                               {"X-Error-Code": "RepoNotFound", "X-Error-Message": "Repository not found"})
        if kind == "api":
            info = {"id": repo_id, "sha": COMMIT, "siblings": [{"rfilename": n} for n in sorted(files)]}
            return self._reply(h, 200, json.dumps(info).encode(), body, {"Content-Type": "application/json"})
        if filename not in files:
            return self._reply(h, 404, b"Entry not found", body,
                               {"X-Error-Code": "EntryNotFound", "X-Error-Message": "Entry not found",
                                "X-Repo-Commit": COMMIT})
        data = files[filename]
        etag = hashlib.sha256(data).hexdigest()
        self._reply(h, 200, data, body, {"X-Repo-Commit": COMMIT, "ETag": f'"{etag}"',
                                          "Content-Type": "application/octet-stream"})

    LFS_SUFFIXES = (".safetensors", ".png", ".npz", ".bin", ".gif", ".jpg", ".zip", ".gz")

    def _write(self, h: BaseHTTPRequestHandler) -> None:
        """Uploads: create a repo, preupload, LFS batch and objects, commit."""
        import base64
        self.requests.append((h.command, h.path))
        self.auth.append(h.headers.get("Authorization", ""))
        size = int(h.headers.get("Content-Length") or 0)
        data = h.rfile.read(size) if size else b""
        parts = [unquote(p) for p in urlsplit(h.path).path.strip("/").split("/")]
        ok = lambda obj: self._reply(h, 200, json.dumps(obj).encode(), True, {"Content-Type": "application/json"})  # noqa: E731
        if h.command == "PUT" and parts[0] == "lfs-upload":
            self.lfs[parts[1]] = data
            return self._reply(h, 200, b"", True, {})
        if parts[:2] == ["api", "validate-yaml"]:
            return ok({"warnings": []})
        if parts[:3] == ["api", "repos", "create"]:
            body = json.loads(data)
            repo_id = f"{body['organization']}/{body['name']}" if body.get("organization") else body["name"]
            repo_type = body.get("type") or "model"
            self.created.append(body)
            self.repos.setdefault((repo_type, repo_id), {})
            prefix = "" if repo_type == "model" else repo_type + "s/"
            return ok({"url": f"{self.url}/{prefix}{repo_id}", "name": repo_id})
        if len(parts) >= 6 and parts[0] == "api" and parts[4] in ("preupload", "commit"):
            repo_type, repo_id = parts[1][:-1], "/".join(parts[2:4])
            if (repo_type, repo_id) not in self.repos:
                return self._reply(h, 404, b"Repository not found", True, {"X-Error-Code": "RepoNotFound"})
            if parts[4] == "preupload":
                files = json.loads(data)["files"]
                return ok({"files": [{"path": f["path"], "shouldIgnore": False, "oid": None,
                                      "uploadMode": "lfs" if f["path"].endswith(self.LFS_SUFFIXES)
                                      or f["size"] > 2**20 else "regular"} for f in files]})
            repo = self.repos[(repo_type, repo_id)]
            for line in data.splitlines():
                item = json.loads(line)
                value = item["value"]
                if item["key"] == "file":
                    repo[value["path"]] = base64.b64decode(value["content"])
                elif item["key"] == "lfsFile":
                    if value["oid"] not in self.lfs:
                        return self._reply(h, 400, b"LFS object not uploaded", True, {})
                    repo[value["path"]] = self.lfs[value["oid"]]
                    self.lfs_paths.setdefault((repo_type, repo_id), set()).add(value["path"])
            return ok({"commitUrl": f"{self.url}/{repo_id}/commit/{COMMIT}", "commitOid": COMMIT,
                       "success": True})
        if parts[-4:] == ["info", "lfs", "objects", "batch"] if len(parts) >= 4 else False:
            objects = json.loads(data)["objects"]
            return ok({"transfer": "basic", "objects": [
                {"oid": o["oid"], "size": o["size"],
                 "actions": {"upload": {"href": f"{self.url}/lfs-upload/{o['oid']}"}}} for o in objects]})
        return self._reply(h, 404, b"not found", True, {"X-Error-Message": "unknown route"})

    @staticmethod
    def _reply(h: BaseHTTPRequestHandler, code: int, data: bytes, body: bool, headers: dict[str, str]) -> None:
        h.send_response(code)
        for k, v in headers.items():
            h.send_header(k, v)
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        if body:
            h.wfile.write(data)


@pytest.fixture
def fake_hub(monkeypatch, tmp_path):
    """A running :class:`FakeHub`; HF_ENDPOINT points at it and Hub offline mode is off."""
    import huggingface_hub.constants as hf_constants
    hub = FakeHub().start()
    monkeypatch.setenv("HF_ENDPOINT", hub.url)
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setattr(hf_constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(hf_constants, "HF_HUB_CACHE", str(tmp_path / "hf-cache"))
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    try:
        yield hub
    finally:
        hub.stop()
