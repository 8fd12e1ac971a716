"""The shared vocabulary as a person meets it: the one in force, what a term means, a check.

The vocabulary in force is the shipped one with the user's own files merged in (see
:mod:`mlsd_draw.grading.vocabulary`): `vocabulary.toml` in the data folder beside the
history, and the files listed in `MLSD_DRAW_VOCABULARY`.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..grading.vocabulary import Vocabulary, VocabularyProblem


def vocabulary_files() -> list[Path]:
    """The user's vocabulary files, in the order they are merged."""
    from ..core.places import data_folder
    from ..grading.vocabulary import user_vocabulary_files

    return user_vocabulary_files(data_folder())


def current_vocabulary() -> Vocabulary:
    """The shipped vocabulary with the user's files merged in.

    Indexing some 3,000 terms takes about a tenth of a second, most of a fresh grade's own
    work, so the index is kept in the user cache folder under a key made from mlsd-draw's
    version and the path, modification time and size of every file it came from (as
    Python keys its compiled bytecode): any edit makes a new one, and a damaged, missing
    or foreign cache file is rebuilt. Within a process it is read once until a file
    changes (a cohort, the studio, --watch).
    """
    from ..grading.vocabulary import SHIPPED_FILE, load_vocabulary

    paths = vocabulary_files()
    try:
        files = [(p, p.stat()) for p in (Path(str(SHIPPED_FILE)), *paths)]
        seen = tuple((str(p), status.st_mtime_ns, status.st_size) for p, status in files)
    except OSError:
        return load_vocabulary(paths)  # it will say which file cannot be read
    return _vocabulary_for(seen)


@lru_cache(maxsize=2)
def _vocabulary_for(seen: tuple[tuple[str, int, int], ...]) -> Vocabulary:
    """The vocabulary of these files (path, modification time, size): kept in memory, so a
    cohort, the studio and --watch read it once a process until a file changes."""
    import json
    import zlib

    from ..core.cache import read_cached_text, write_cached_text
    from ..core.version import VERSION
    from ..grading.vocabulary import Vocabulary, load_vocabulary

    paths = [Path(name) for name, _, _ in seen[1:]]
    key = json.dumps([_VERSION_TAG, VERSION, seen])
    # The name only spreads keys over files; the key inside is what is checked.
    name = f"vocabulary-{zlib.crc32(key.encode()):08x}.json"
    cached = read_cached_text(name)
    if cached is not None:
        try:
            data = json.loads(cached)
            if data["key"] == key:
                return Vocabulary.from_data(data["index"])
        except (ValueError, KeyError, TypeError):
            pass  # damaged: built again below
    vocabulary = load_vocabulary(paths)
    index = {"key": key, "index": vocabulary.to_data()}
    write_cached_text(name, json.dumps(index, ensure_ascii=False))
    return vocabulary


_VERSION_TAG = "mlsd-draw vocabulary index, format 3"
"""Part of the cache key: change it when the index's layout or the normalising changes."""


def check_vocabulary_file(path: Path) -> list[VocabularyProblem]:
    """Every problem of a user's vocabulary file, for `lint`."""
    from ..core.errors import UsageError
    from ..grading.vocabulary import check_vocabulary_text

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"cannot read {path}: {error}") from None
    _roles, problems = check_vocabulary_text(text, str(path))
    return problems
