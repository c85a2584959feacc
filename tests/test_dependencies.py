"""Dependency floors that keep known vulnerabilities out of an install."""

from __future__ import annotations

import tomllib
from importlib.metadata import version
from pathlib import Path

from packaging.requirements import Requirement
from packaging.version import Version

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def _requirement(name: str) -> Requirement:
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    found = [Requirement(r) for r in project["dependencies"] if Requirement(r).name == name]
    assert len(found) == 1, f"{name} is not a dependency"
    return found[0]


def test_jinja2_without_the_sandbox_escapes_fixed_in_3_1_5_and_3_1_6() -> None:
    """Messages are rendered in Jinja's sandbox, whose escapes 3.1.5 and 3.1.6 fixed."""
    specifier = _requirement("jinja2").specifier
    assert not specifier.contains("3.1.5") and specifier.contains("3.1.6")
    assert Version(version("jinja2")) >= Version("3.1.6")
