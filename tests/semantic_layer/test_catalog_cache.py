"""The parsed catalogue is kept on disk by content hash: a hit skips the YAML, any change misses,
and an entry that is stale, corrupt or not signed by this user's key is never unpickled."""

from __future__ import annotations

import os
import pickle
import shutil

import pytest

from semantic_layer import catalog as catalog_module
from semantic_layer.catalog import CATALOG_DIR, cached_catalog, catalog_digest, load_catalog


@pytest.fixture
def folder(tmp_path):
    """A copy of the project's catalogue that a test may edit."""
    copy = tmp_path / "catalog"
    shutil.copytree(CATALOG_DIR, copy)
    return copy


@pytest.fixture
def cache(tmp_path):
    return tmp_path / "cache"


@pytest.fixture(scope="module")
def expected():
    """The catalogue parsed straight from the YAML, no cache involved."""
    return load_catalog(CATALOG_DIR)


def _no_yaml(monkeypatch):
    def refuse(folder):
        raise AssertionError("the YAML was parsed on what should be a cache hit")

    monkeypatch.setattr(catalog_module, "load_catalog", refuse)


def _entries(cache):
    return sorted(cache.glob("catalog-*.pickle"))


def test_second_load_is_a_hit_equal_to_parsing_the_yaml(folder, cache, expected, monkeypatch):
    first, hit = cached_catalog(folder, cache)
    assert not hit and first == expected
    _no_yaml(monkeypatch)
    second, hit = cached_catalog(folder, cache)
    assert hit and second == first
    assert [p.name for p in _entries(cache)] == [f"catalog-{catalog_digest(folder)}.pickle"]


def test_an_edited_yaml_file_misses_and_the_edit_is_loaded(folder, cache, expected):
    cached_catalog(folder, cache)
    sources = folder / "01_sources.yaml"
    text = sources.read_text()
    assert "description: " in text
    sources.write_text(text.replace("description: ", "description: Edited. ", 1))
    edited, hit = cached_catalog(folder, cache)
    assert not hit and edited != expected
    assert sum(s.description.startswith("Edited.") for s in edited.sources.values() if s.description) == 1
    assert len(_entries(cache)) == 1  # the stale entry is gone


def test_a_comment_changes_the_bytes_so_it_misses(folder, cache, expected):
    cached_catalog(folder, cache)
    terms = folder / "03_terms.yaml"
    terms.write_text(terms.read_text() + "\n# reviewed\n")
    catalog, hit = cached_catalog(folder, cache)
    assert not hit and catalog == expected


def test_a_tampered_entry_is_not_unpickled_but_rebuilt(folder, cache, expected, tmp_path, monkeypatch):
    cached_catalog(folder, cache)
    (entry,) = _entries(cache)
    marker = tmp_path / "unpickled"

    class Payload:  # unpickling this would create the marker file
        def __reduce__(self):
            return (open, (str(marker), "w"))

    signature = entry.read_bytes()[:32]
    entry.write_bytes(signature + pickle.dumps(Payload()))
    rebuilt, hit = cached_catalog(folder, cache)
    assert not hit and not marker.exists() and rebuilt == expected
    _no_yaml(monkeypatch)
    assert cached_catalog(folder, cache)[1]  # the rebuilt entry is good again


@pytest.mark.parametrize("damage", [b"", b"\0" * 40])
def test_an_unreadable_entry_is_a_miss(folder, cache, expected, damage):
    cached_catalog(folder, cache)
    (entry,) = _entries(cache)
    entry.write_bytes(damage)
    catalog, hit = cached_catalog(folder, cache)
    assert not hit and catalog == expected


def test_another_key_does_not_verify(folder, cache):
    cached_catalog(folder, cache)
    (cache / "key").write_bytes(os.urandom(32))
    assert not cached_catalog(folder, cache)[1]


def test_a_folder_others_may_write_is_not_used(folder, cache, expected):
    cache.mkdir()
    cache.chmod(0o777)
    catalog, hit = cached_catalog(folder, cache)
    assert not hit and catalog == expected
    assert _entries(cache) == [] and not (cache / "key").exists()


def test_the_cache_folder_and_key_are_private(folder, cache):
    cached_catalog(folder, cache)
    assert cache.stat().st_mode & 0o777 == 0o700
    assert (cache / "key").stat().st_mode & 0o777 == 0o600
    assert all(p.stat().st_mode & 0o077 == 0 for p in _entries(cache))


def test_an_invalid_catalogue_is_refused_and_not_cached(folder, cache):
    from semantic_layer.errors import CatalogError

    (folder / "99_broken.yaml").write_text("metrics:\n  - name: broken\n")
    with pytest.raises(CatalogError):
        cached_catalog(folder, cache)
    assert _entries(cache) == []


def test_a_signed_entry_naming_a_function_is_still_refused(folder, cache, expected, tmp_path):
    import hmac

    cached_catalog(folder, cache)
    (entry,) = _entries(cache)
    marker = tmp_path / "called"

    class Payload:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    payload = pickle.dumps(Payload())
    key = (cache / "key").read_bytes()
    entry.write_bytes(hmac.digest(key, payload, "sha256") + payload)  # signed with the right key
    catalog, hit = cached_catalog(folder, cache)
    assert not hit and not marker.exists() and catalog == expected
