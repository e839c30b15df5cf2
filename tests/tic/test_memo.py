"""Look keys up in a bounded memo that computes what it lacks."""

from __future__ import annotations

from custom_components.linky_activity.tic.memo import Memo


def _counting_memo(size: int) -> tuple[Memo[str, int], list[str]]:
    """Return a memo of word lengths that records each word it computes."""
    computed: list[str] = []

    def length(word: str) -> int:
        computed.append(word)
        memo.remember(word, len(word))
        return len(word)

    memo: Memo[str, int] = Memo(length, size)
    return memo, computed


def test_a_missing_key_is_computed_once_when_compute_remembers_it() -> None:
    memo, computed = _counting_memo(8)

    assert list(map(memo.__getitem__, ["PAPP", "PTEC", "PAPP", "PAPP"])) == [4, 4, 4, 4]
    assert computed == ["PAPP", "PTEC"]
    assert memo == {"PAPP": 4, "PTEC": 4}


def test_compute_may_answer_without_remembering() -> None:
    memo: Memo[str, int] = Memo(len, 8)

    assert memo["IINST"] == 5
    assert "IINST" not in memo
    assert memo.held() == 0


def test_values_still_in_use_survive_a_full_memo_and_others_are_dropped() -> None:
    memo, computed = _counting_memo(4)
    memo["PAPP"]
    for index in range(4):
        memo[f"BASE{index:05d}"]
    # The memo was full: PAPP is in the previous generation and comes back.
    memo["PAPP"]
    for index in range(4, 12):
        memo[f"BASE{index:05d}"]
        memo["PAPP"]

    assert computed.count("PAPP") == 1
    assert memo.held() <= 8
    memo["BASE00000"]
    assert computed.count("BASE00000") == 2


def test_forgetting_drops_both_generations() -> None:
    memo, computed = _counting_memo(2)
    for word in ("ADCO", "OPTARIF", "ISOUSC"):
        memo[word]

    memo.forget()
    memo["ADCO"]

    assert memo.held() == 1
    assert computed == ["ADCO", "OPTARIF", "ISOUSC", "ADCO"]
