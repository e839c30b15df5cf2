"""Look keys up in a memo that computes what it lacks."""

from __future__ import annotations

from custom_components.linky_activity.tic.memo import Memo


def test_a_missing_key_is_computed_once_when_compute_stores_it() -> None:
    calls: list[str] = []

    def length(word: str) -> int:
        calls.append(word)
        memo[word] = len(word)
        return len(word)

    memo: Memo[str, int] = Memo(length)

    assert list(map(memo.__getitem__, ["PAPP", "PTEC", "PAPP", "PAPP"])) == [4, 4, 4, 4]
    assert calls == ["PAPP", "PTEC"]
    assert memo == {"PAPP": 4, "PTEC": 4}


def test_compute_may_answer_without_storing() -> None:
    memo: Memo[str, int] = Memo(len)

    assert memo["IINST"] == 5
    assert memo.get("IINST") is None
    assert "IINST" not in memo
    assert not memo
