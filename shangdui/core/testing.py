"""Helpers for the access-matrix rows every app contributes (``<app>/tests/access_rows.py``).

An app's ``access_rows.py`` defines two dicts, merged into the matrix by
``core/tests/test_access_matrix.py``:

* ``PAGES = {"ns:url_name": (method, url_of(world), form_data, expect(...))}``
* ``API = {("METHOD", "/api/openapi/{path}"): (url_of(world), json_body_or_None, expect(...))}``

``world`` is ``conftest.World``: org A (director, manager Mia, member Alice = the subject, peer Bob,
finance Fay, manager Ken with member Carl) and org B (its director is the persona "other").
"""

from __future__ import annotations

PERSONAS = ["anonymous", "member", "peer", "manager", "director", "finance", "other"]


def expect(anonymous: int, member: int, peer: int, manager: int, director: int, finance: int,
           other: int) -> dict[str, int]:
    return dict(zip(PERSONAS, [anonymous, member, peer, manager, director, finance, other], strict=True))


def everyone(status: int, anonymous: int = 302) -> dict[str, int]:
    return expect(anonymous, status, status, status, status, status, status)
