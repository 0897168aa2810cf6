"""Files uploaded in the web app, kept until they are indexed, named to the browser by a token.

The browser sends a file to the app's own upload route and is given back an opaque random token
and the file's name; the next events (detect the metadata, add the plan) send the token, which
is resolved here. So no server path ever reaches the browser, and a token that was never given
(or one written to reach another folder) is told in Swedish, never followed.

Each upload is kept as ``<staging dir>/<token>/<the user's file name>``: the name is kept because
the plan is indexed under it. A file is received in pieces and refused as soon as it passes the
limit; it is deleted when it is added, replaced by a newer upload, or left too long. The page's
file chooser, the browser's half of this, is at the end.
"""

from __future__ import annotations

import asyncio
import re
import secrets
import shutil
import time
from collections.abc import AsyncIterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

#: What a token looks like (`secrets.token_urlsafe(32)`); anything else is never looked up.
TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")
#: The longest file name most file systems keep.
MAX_NAME_BYTES = 255
UNKNOWN = "Den uppladdade filen finns inte längre (eller fanns aldrig): välj filen igen."


class UploadRefused(Exception):
    """Why an upload is not taken, in Swedish, naming the file when there is one; `status` is the
    HTTP status the upload route answers with."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def too_large(name: str, limit_mb: int, size_mb: str | None = None) -> str:
    """The refusal of a file over the limit, with its size when it is known (the page fills in
    the same text before it sends a file that is too large)."""
    size = f"{size_mb} MB" if size_mb else f"större än {limit_mb} MB"
    return f"{name}: filen är {size}; den största som tas emot är {limit_mb} MB."


@dataclass(frozen=True)
class Staged:
    token: str
    name: str


class Receiving:
    """One file being received: `write` its pieces; more than the limit deletes what was
    written and raises UploadRefused."""

    def __init__(self, file: Path, limit_mb: int) -> None:
        self.file = file
        self.limit_mb = limit_mb
        self.received = 0
        self.staged: Staged | None = None  # set once the whole file is kept
        self._out = file.open("xb")

    def write(self, piece: bytes) -> None:
        self.received += len(piece)
        if self.received > self.limit_mb * 1_000_000:
            raise UploadRefused(too_large(self.file.name, self.limit_mb), status=413)
        self._out.write(piece)

    def close(self) -> None:
        self._out.close()


class StagedUploads:
    """The staging folder: receive a file, resolve a token, discard it. Uploads older than
    `max_age_s` are deleted as a new one comes, and so are the oldest beyond `max_kept` (a guard
    for the disk: each may be as large as the upload limit)."""

    def __init__(self, folder: Path, max_age_s: float = 3600, max_kept: int = 32) -> None:
        self.folder = folder
        self.max_age_s = max_age_s
        self.max_kept = max_kept

    @contextmanager
    def receive(self, name: str, size: int | None, limit_mb: int) -> Iterator[Receiving]:
        """Receive a file called `name` (its size, if the sender said it, is checked first);
        the `Staged` upload is `receiving.staged` once the block ends. Whatever goes wrong
        (too large, the sender gone) leaves nothing behind."""
        name = checked_name(name)
        if size is not None and size > limit_mb * 1_000_000:
            raise UploadRefused(too_large(name, limit_mb, f"{size / 1_000_000:.1f}"), status=413)
        self.clean()
        token = secrets.token_urlsafe(32)
        slot = self.folder / token
        slot.mkdir(parents=True)
        try:
            receiving = Receiving(slot / name, limit_mb)
            try:
                yield receiving
            finally:
                receiving.close()
        except BaseException:
            shutil.rmtree(slot, ignore_errors=True)
            raise
        receiving.staged = Staged(token, name)

    async def receive_from(
        self, pieces: AsyncIterable[bytes], name: str, size: int | None, limit_mb: int
    ) -> Staged:
        """`receive` a file sent in pieces (each written in a worker thread)."""
        with self.receive(name, size, limit_mb) as receiving:
            async for piece in pieces:
                await asyncio.to_thread(receiving.write, piece)
        assert receiving.staged is not None  # set when the block ended without an error
        return receiving.staged

    def path(self, token: str) -> Path:
        """The file a token was given for; UploadRefused if there is none (a token never given,
        one already used, or anything shaped to reach elsewhere)."""
        if not TOKEN.fullmatch(token or ""):
            raise UploadRefused(UNKNOWN, status=404)
        slot = self.folder / token
        kept = slot.is_dir() and not slot.is_symlink()
        files = [f for f in slot.iterdir() if f.is_file() and not f.is_symlink()] if kept else []
        if len(files) != 1:
            raise UploadRefused(UNKNOWN, status=404)
        return files[0]

    def discard(self, token: str | None) -> None:
        """Delete an upload (after it is added, or when a newer one replaces it)."""
        if token and TOKEN.fullmatch(token):
            shutil.rmtree(self.folder / token, ignore_errors=True)

    def clean(self, now: float | None = None) -> None:
        """Delete uploads left longer than `max_age_s`, and the oldest beyond `max_kept`."""
        if not self.folder.is_dir():
            return
        now = time.time() if now is None else now
        made = {}
        for slot in self.folder.iterdir():
            if not TOKEN.fullmatch(slot.name):  # not one of ours: left alone
                continue
            try:
                made[slot] = slot.lstat().st_mtime
            except FileNotFoundError:  # deleted meanwhile (another app process on this data dir)
                continue
        newest_first = sorted(made, key=made.__getitem__, reverse=True)
        for index, slot in enumerate(newest_first):
            if index >= self.max_kept - 1 or now - made[slot] > self.max_age_s:
                shutil.rmtree(slot, ignore_errors=True)


def checked_name(name: str) -> str:
    """The user's file name, kept as it is; one that could not be a file's own name in the
    staging folder is refused, named."""
    if not name.strip():
        raise UploadRefused("Filen saknar namn: välj en fil att ladda upp.")
    if name in {".", ".."} or any(c in name for c in "/\\") or any(ord(c) < 32 for c in name):
        raise UploadRefused(
            f"{name!r}: ett filnamn får inte innehålla / eller \\ eller styrtecken."
        )
    try:
        size = len(name.encode("utf-8"))
    except UnicodeEncodeError:
        raise UploadRefused(f"{name!r}: filnamnet är inte giltig text.") from None
    if size > MAX_NAME_BYTES:
        raise UploadRefused(f"{name[:60]}…: filnamnet är längre än {MAX_NAME_BYTES} byte.")
    return name


# --- the browser's half ------------------------------------------------------------------------

#: The page's file chooser (a gr.HTML in app.py). Nothing of the user's goes into the template:
#: gr.HTML evaluates what it renders as a JavaScript template string, so a file name would run as
#: code; the script below writes its messages as text.
CHOOSER_HTML = '<label class="planfil">Planfil <input type="file"></label><p class="besked"></p>'
#: Sends the chosen file to the upload route (`props.route`: the body is the file, its name is in
#: the X-Filnamn header, the token it replaces in X-Ersatter) and gives the token to the server by
#: the `input` event (`change` also fires when the server resets the value). A file over the limit
#: is refused here, unsent; the server refuses it too, for any other client.
CHOOSER_JS = """
const input = element.querySelector('input[type=file]');
const given = (window.gradio_config && window.gradio_config.root) || '.';
const root = given.endsWith('/') ? given : `${given}/`;
// After the template is rendered again for the new value, which empties the message line.
const say = (text) => setTimeout(() => { element.querySelector('.besked').textContent = text; });
const choose = (token, text) => {
  if (!token) input.value = '';  // so the same file can be chosen again
  props.value = token;
  trigger('input');
  say(text);
};
watch('value', () => { if (!props.value) input.value = ''; });
input.addEventListener('change', async () => {
  const file = input.files[0];
  if (!file) return choose('', '');
  if (file.size > props.limit_bytes) {
    const mb = (file.size / 1e6).toFixed(1);
    return choose('', props.too_large.replace('{namn}', file.name).replace('{mb}', mb));
  }
  say(`Laddar upp ${file.name} …`);
  const headers = {'X-Filnamn': encodeURIComponent(file.name), 'X-Ersatter': props.value || ''};
  try {
    const response = await fetch(root + props.route, {method: 'POST', body: file, headers});
    const answer = await response.json().catch(() => ({}));
    if (response.ok && answer.token) return choose(answer.token, '');
    choose('', answer.fel || (response.status === 401 ? props.not_logged_in : props.failed));
  } catch (error) {
    choose('', props.failed);
  }
});
"""
