"""The staging folder of uploads: a file is kept under a random token with its own name, refused
in Swedish (named) when it is too large or its name cannot be a file's, and a token resolves only
to what was received under it."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest

from assistant.uploads import UNKNOWN, Staged, StagedUploads, UploadRefused


def receive(staging: StagedUploads, name: str, pieces: list[bytes], limit_mb: int = 1) -> Staged:
    with staging.receive(name, None, limit_mb) as receiving:
        for piece in pieces:
            receiving.write(piece)
    assert receiving.staged is not None
    return receiving.staged


def test_a_file_is_kept_under_its_token_with_its_name(tmp_path: Path) -> None:
    staging = StagedUploads(tmp_path / "staging")
    name = "-plan (kopia) #2 å'ä;ö & $HOME.txt"
    staged = receive(staging, name, [b"Socialn", "ämnden".encode()])
    assert staged.name == name and len(staged.token) == 43
    path = staging.path(staged.token)
    assert path == tmp_path / "staging" / staged.token / name
    assert path.read_text(encoding="utf-8") == "Socialnämnden"
    other = receive(staging, name, [b"x"])
    assert other.token != staged.token and staging.path(staged.token) == path

    staging.discard(staged.token)
    with pytest.raises(UploadRefused, match=re.escape(UNKNOWN)):
        staging.path(staged.token)
    assert not (tmp_path / "staging" / staged.token).exists()


@pytest.mark.parametrize("declared", [True, False], ids=["sagd-storlek", "okand-storlek"])
def test_a_file_over_the_limit_is_refused_named_and_nothing_is_left(
    tmp_path: Path, declared: bool
) -> None:
    staging = StagedUploads(tmp_path / "staging")
    size = 1_500_000
    with (
        pytest.raises(UploadRefused) as refused,
        staging.receive("stor-plan.pdf", size if declared else None, 1) as receiving,
    ):
        for _ in range(15):
            receiving.write(bytes(100_000))
    assert refused.value.status == 413
    told = (
        "stor-plan.pdf: filen är 1.5 MB" if declared else "stor-plan.pdf: filen är större än 1 MB"
    )
    assert str(refused.value) == f"{told}; den största som tas emot är 1 MB."
    assert not list((tmp_path / "staging").glob("*/*"))


def test_a_file_at_the_limit_is_kept(tmp_path: Path) -> None:
    staging = StagedUploads(tmp_path / "staging")
    staged = receive(staging, "lagom.pdf", [bytes(500_000), bytes(500_000)])
    assert staging.path(staged.token).stat().st_size == 1_000_000


def test_a_broken_off_upload_leaves_nothing(tmp_path: Path) -> None:
    staging = StagedUploads(tmp_path / "staging")
    with pytest.raises(ConnectionError), staging.receive("plan.txt", None, 1) as receiving:
        receiving.write(b"halva")
        raise ConnectionError
    assert list((tmp_path / "staging").iterdir()) == []


@pytest.mark.parametrize(
    ("name", "told"),
    [
        ("", "Filen saknar namn"),
        ("   ", "Filen saknar namn"),
        ("..", "'..': ett filnamn får inte innehålla"),
        (".", "'.': ett filnamn får inte innehålla"),
        ("../../etc/passwd", "'../../etc/passwd': ett filnamn får inte innehålla /"),
        ("..\\plan.txt", "ett filnamn får inte innehålla / eller \\"),
        ("plan\x00.txt", "ett filnamn får inte innehålla / eller \\ eller styrtecken"),
        ("plan\n.txt", "styrtecken"),
        ("å" * 128 + ".txt", "filnamnet är längre än 255 byte"),
        ("plan\udc80.txt", "filnamnet är inte giltig text"),
    ],
    ids=["tomt", "blanka", "punktpunkt", "punkt", "sokvag", "bakstreck", "nul", "radbyte", "langt",
         "ogiltig-text"],
)  # fmt: skip
def test_a_name_that_cannot_be_a_file_of_its_own_is_refused(
    tmp_path: Path, name: str, told: str
) -> None:
    staging = StagedUploads(tmp_path / "staging")
    with pytest.raises(UploadRefused) as refused, staging.receive(name, 3, 1) as receiving:
        receiving.write(b"abc")
    assert told in str(refused.value) and refused.value.status == 400
    assert not list((tmp_path / "staging").glob("*/*"))


@pytest.mark.parametrize(
    "token",
    ["", "x" * 43, "../outside", "../../etc/passwd", "/etc/passwd", "a" * 42, "a" * 44, "."],
)
def test_a_token_never_given_or_shaped_to_reach_elsewhere_is_unknown(
    tmp_path: Path, token: str
) -> None:
    staging = StagedUploads(tmp_path / "staging")
    receive(staging, "plan.txt", [b"plan"])
    (tmp_path / "outside").write_text("hemlig", encoding="utf-8")
    with pytest.raises(UploadRefused) as refused:
        staging.path(token)
    assert str(refused.value) == UNKNOWN and refused.value.status == 404
    assert str(tmp_path) not in str(refused.value)
    staging.discard(token)  # no effect either
    assert (tmp_path / "outside").exists()


def test_a_token_folder_that_is_a_link_out_is_not_followed(tmp_path: Path) -> None:
    staging = StagedUploads(tmp_path / "staging")
    receive(staging, "plan.txt", [b"plan"])
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "hemlig.txt").write_text("hemlig", encoding="utf-8")
    token = "L" * 43
    (tmp_path / "staging" / token).symlink_to(outside)
    with pytest.raises(UploadRefused, match=re.escape(UNKNOWN)):
        staging.path(token)
    linked = "M" * 43
    (tmp_path / "staging" / linked).mkdir()
    (tmp_path / "staging" / linked / "plan.txt").symlink_to(outside / "hemlig.txt")
    with pytest.raises(UploadRefused, match=re.escape(UNKNOWN)):
        staging.path(linked)


def test_stale_uploads_and_the_oldest_beyond_the_cap_are_deleted(tmp_path: Path) -> None:
    staging = StagedUploads(tmp_path / "staging", max_age_s=3600, max_kept=3)
    old = receive(staging, "gammal.txt", [b"1"])
    hour_ago = time.time() - 3700
    os.utime(tmp_path / "staging" / old.token, (hour_ago, hour_ago))
    kept = [receive(staging, f"plan-{n}.txt", [b"2"]) for n in range(2)]
    with pytest.raises(UploadRefused):
        staging.path(old.token)  # stale: deleted when the next file came
    assert [staging.path(s.token).name for s in kept] == ["plan-0.txt", "plan-1.txt"]
    for n, staged in enumerate(kept):  # distinct ages, oldest first
        moment = time.time() - 100 + n
        os.utime(tmp_path / "staging" / staged.token, (moment, moment))
    newest = receive(staging, "plan-2.txt", [b"3"])
    newer = receive(staging, "plan-3.txt", [b"4"])
    with pytest.raises(UploadRefused):
        staging.path(kept[0].token)  # the oldest, beyond the cap of three
    assert {staging.path(s.token).name for s in (kept[1], newest, newer)} == {
        "plan-1.txt",
        "plan-2.txt",
        "plan-3.txt",
    }
