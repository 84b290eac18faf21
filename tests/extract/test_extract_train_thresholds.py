"""The shown thresholds chosen by eval/train.py, on invented scores (no labelled data)."""

from __future__ import annotations

import numpy as np

from eval.train import joint_thresholds, threshold


def _ranked(labels: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Scores falling from 0.99 in the order given, with their 0/1 truth."""
    return np.linspace(0.99, 0.01, len(labels)), np.array(labels, dtype=float)


def test_promises_are_shown_when_they_buy_more_right_commitments_than_they_cost() -> None:
    # requests: 20 right at the top, then one wrong in three; promises: 5 right then wrong
    req = _ranked([1] * 20 + [1, 1, 0] * 10 + [0] * 30)
    pro = _ranked([1] * 5 + [0] * 20)
    alone = threshold(*req, target=0.85, min_shown=5)
    t_req, t_pro = joint_thresholds(req, pro, target=0.85, min_shown=5)
    assert t_pro is not None and t_req is not None and alone is not None
    shown_req = req[0] >= t_req
    shown_pro = pro[0] >= t_pro
    right = req[1][shown_req].sum() + pro[1][shown_pro].sum()
    assert right / (shown_req.sum() + shown_pro.sum()) >= 0.85
    assert right > req[1][req[0] >= alone].sum()  # more right than requests alone


def test_promises_that_only_cost_precision_are_not_shown() -> None:
    req = _ranked([1] * 30 + [0] * 30)
    pro = _ranked([0] * 10 + [1])
    t_req, t_pro = joint_thresholds(req, pro, target=0.85, min_shown=5)
    assert t_pro is None
    assert t_req is not None and (req[0] >= t_req).sum() >= 30


def test_nothing_is_shown_when_no_threshold_reaches_the_target() -> None:
    req = _ranked([0, 1] * 20)
    pro = _ranked([0, 1] * 5)
    assert joint_thresholds(req, pro, target=0.85, min_shown=5) == (None, None)
