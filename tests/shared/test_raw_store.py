import pytest

from shared.errors import PermanentError, TransientError
from shared.raw_store import RawStore

pytestmark = pytest.mark.unit


def test_bytes_are_stored_once_under_their_hash(tmp_path):
    store = RawStore(tmp_path)
    first = store.put(b"<html>page</html>")
    second = store.put(b"<html>page</html>")
    assert first == second
    assert store.get(first) == b"<html>page</html>"
    assert list(store.ids()) == [first]
    assert not [p for p in tmp_path.rglob(".incoming-*")], "no temporary files left behind"


def test_missing_blob_is_a_permanent_error_naming_the_store(tmp_path):
    store = RawStore(tmp_path)
    with pytest.raises(PermanentError, match="missing from the raw store"):
        store.get("0" * 64)


def test_path_traversal_ids_are_refused(tmp_path):
    with pytest.raises(PermanentError):
        RawStore(tmp_path).path_for("../../etc/passwd")


def test_unwritable_store_is_reported_clearly(tmp_path):
    blocker = tmp_path / "raw"
    blocker.write_text("a file where the store's folder should be")  # fails for root too, unlike chmod
    with pytest.raises(TransientError, match="cannot write to the raw store"):
        RawStore(blocker).put(b"x")
