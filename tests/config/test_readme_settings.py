"""Every setting the README tells operators about is one the code reads: a name documented but
never read (as `CX_MIN_GROUP_SIZE` once was) makes an operator believe they changed something."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SETTING = re.compile(r"`([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)`")
SKIPPED_DIRS = {".venv", "node_modules", "tests", "docs", "locale", "static", "media", ".git"}
CODE_SUFFIXES = {".py", ".toml", ".cfg", ".ini", ".sh", ".yml", ".yaml"}
CODE_NAMES = {"Procfile", "Makefile", "Dockerfile"}
# Read from the environment by a library, not by our code: boto3 takes the S3 credentials itself.
READ_BY_LIBRARIES = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"}


def _code_text() -> str:
    chunks = []
    for path in ROOT.rglob("*"):
        relative = path.relative_to(ROOT)
        folders = relative.parts[:-1]
        if SKIPPED_DIRS & set(folders) or any(f.endswith(".egg-info") for f in folders):
            continue
        if path.is_file() and (path.suffix in CODE_SUFFIXES or path.name in CODE_NAMES):
            chunks.append(path.read_text(encoding="utf-8", errors="ignore"))
    return "\n".join(chunks)


def test_every_setting_the_readme_names_is_read_by_the_code():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    documented = set(SETTING.findall(readme)) - READ_BY_LIBRARIES
    code = _code_text()
    unread = sorted(name for name in documented if not re.search(rf"\b{name}\b", code))
    assert not unread, f"README names settings no code reads: {unread}"
