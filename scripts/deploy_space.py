"""Push the app to a Hugging Face Space with huggingface_hub's folder upload.

    HF_TOKEN=hf_... python scripts/deploy_space.py owner/space-name [--private] [--dry-run]

``HfApi.upload_folder`` stores binaries (safetensors, png, npz) the way Hub repos require (Xet, or LFS
on a server without Xet), which this project's git cannot carry. Only the files the app needs go up
(:data:`ALLOW`); the Space is created (Streamlit SDK) when it does not exist. The README's front
matter configures the Space; on a Space ``SPACE_ID`` is set, so the app runs in hosted mode.

The write token comes from the ``HF_TOKEN`` environment variable (or huggingface_hub's saved login),
never from the command line (where other users of the machine can read it) and it is never printed:
errors are reported with the token replaced by ``***``. ``HF_ENDPOINT`` picks another Hub (the tests'
fake one).
"""
from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ALLOW = ["app.py", "requirements.txt", "README.md", "LICENSE", ".streamlit/config.toml",
         "app_pages/*.py", "ui/*.py", "gan/*.py", "gan/*/*.py", "checkpoints/*", "content/*"]
IGNORE = ["**/__pycache__/**", "*.pyc", "**/.*/**"]
REPO_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,95}/[A-Za-z0-9][A-Za-z0-9._-]{0,95}$")


def redact(text: str, token: str | None) -> str:
    """``text`` with the token (and anything shaped like a Hub token) replaced by ***."""
    if token:
        text = text.replace(token, "***")
    return re.sub(r"hf_[A-Za-z0-9]{8,}", "***", text)


def files_to_push(root: Path = ROOT) -> list[str]:
    """The files :func:`deploy` uploads, relative to ``root`` (what ALLOW and IGNORE select)."""
    from huggingface_hub.utils import filter_repo_objects
    paths = [p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()]
    return sorted(filter_repo_objects(paths, allow_patterns=ALLOW, ignore_patterns=IGNORE))


def deploy(repo_id: str, *, token: str | None = None, private: bool = False, root: Path = ROOT,
           message: str = "Deploy GAN Studio") -> str:
    """Create the Space if needed and upload the app in one commit; returns the commit's URL."""
    from huggingface_hub import HfApi
    if not REPO_ID.match(repo_id):
        raise ValueError(f"{repo_id!r} is not a Space id (expected owner/name)")
    api = HfApi(token=token, endpoint=os.environ.get("HF_ENDPOINT") or None)
    api.create_repo(repo_id, repo_type="space", space_sdk="streamlit", private=private, exist_ok=True)
    commit = api.upload_folder(folder_path=str(root), repo_id=repo_id, repo_type="space",
                               allow_patterns=ALLOW, ignore_patterns=IGNORE, commit_message=message)
    return str(commit.commit_url if hasattr(commit, "commit_url") else commit)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Push GAN Studio to a Hugging Face Space.")
    parser.add_argument("space", help="the Space's id, owner/name")
    parser.add_argument("--private", action="store_true", help="create the Space as private")
    parser.add_argument("--dry-run", action="store_true", help="list the files that would be pushed, push nothing")
    args = parser.parse_args(argv)
    if args.dry_run:
        files = files_to_push()
        print("\n".join(files))
        print(f"{len(files)} files would be pushed to {args.space}")
        return 0
    token = os.environ.get("HF_TOKEN") or None
    try:
        url = deploy(args.space, token=token, private=args.private)
    except Exception as e:  # every failure becomes one line, with no token in it
        print(f"deploy failed: {redact(f'{type(e).__name__}: {e}', token)}", file=sys.stderr)
        return 1
    print(f"pushed to {url}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
