"""mixlib's ICL agrees with R's mclust (``mclustICL``, ``icl``) on the two-column Old Faithful
data, recorded in notebooks/data/mclust_faithful_icl.json by mclust_faithful_icl.R."""

import json
from pathlib import Path

import numpy as np
import pytest

import mixlib
from mixlib import multivariate as mv

RECORD = json.loads((Path(__file__).resolve().parents[1] / "notebooks" / "data"
                     / "mclust_faithful_icl.json").read_text(encoding="utf-8"))


def faithful_minutes():
    faithful = mixlib.datasets.old_faithful()
    return np.column_stack([faithful["eruptions"], faithful["waiting"]])


def test_the_record_is_for_the_same_data():
    X = faithful_minutes()
    assert RECORD["data"]["n"] == X.shape[0]
    assert RECORD["data"]["waiting_sum"] == pytest.approx(X[:, 1].sum(), rel=1e-12)
    assert RECORD["data"]["eruptions_sum"] == pytest.approx(X[:, 0].sum(), rel=1e-12)


@pytest.mark.parametrize("row", RECORD["four_structures"],
                         ids=lambda r: f"{r['model']}-{r['G']}")
def test_icl_at_mclusts_estimates_is_mclusts_icl(row):
    """At exactly mclust's parameters, mixlib's log-likelihood, BIC and ICL are mclust's (the
    criteria with the sign flipped)."""
    X = faithful_minutes()
    params = mv.MultivariateParams(row["weights"], row["means"], row["covariances"])
    at = row["at_estimates"]
    assert row["icl"] == pytest.approx(row["icl_of_fit"], rel=1e-12)  # mclustICL's table = icl()
    assert mv.log_likelihood(X, params) == pytest.approx(at["log_likelihood"], rel=1e-10)
    assert -mv.bic(X, params, row["structure"]) == pytest.approx(at["bic"], rel=1e-10)
    assert -mv.icl(X, params, row["structure"]) == pytest.approx(at["icl"], rel=1e-10)
    # the entropy term alone, so a wrong one cannot hide in BIC's size
    assert mv.icl(X, params, row["structure"]) - mv.bic(X, params, row["structure"]) == (
        pytest.approx(at["bic"] - at["icl"], rel=1e-8, abs=1e-9))


def test_mixlibs_own_fits_give_mclusts_icl_where_they_reach_the_same_maximum():
    """K = 1, 2: one maximum, so fitting with mixlib and scoring gives mclust's ICL; tied K = 3, 4
    and diag K = 4 are the same maxima too, once mclust runs with a tight tolerance (its default
    stops those slow climbs early). ICL over the four structures chooses full with K = 2, as
    mclust's does."""
    X = faithful_minutes()
    ours = {}
    for row in RECORD["four_structures"]:
        fit = mv.fit_em(X, k=row["G"], covariance=row["structure"], n_init=10, rng=0,
                        init_method="kmeans")
        ours[row["model"], row["G"]] = -mv.icl(X, fit.params, row["structure"])
        if row["G"] <= 2:
            assert ours[row["model"], row["G"]] == pytest.approx(row["icl"], abs=0.05), row["model"]
        if (row["model"], row["G"]) in {("EEE", 3), ("EEE", 4), ("VVI", 4)}:
            assert ours[row["model"], row["G"]] == pytest.approx(
                row["tight_tolerance"]["icl"], abs=0.15), row["model"]
    best_mclust = max(RECORD["four_structures"], key=lambda r: r["icl"])
    assert (best_mclust["model"], best_mclust["G"]) == ("VVV", 2)
    assert max(ours, key=ours.get) == ("VVV", 2)
