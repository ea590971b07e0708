"""Stored results that notebooks load instead of recomputing agree with a fresh computation."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

import mixlib
from mixlib.stored_choices import compute_choices, load_choices, save_choices

REPO = Path(__file__).resolve().parents[1]
# The scripts that make the stored choose_k tables: 05's (also 08's ML column) and 08's MAP one.
SCRIPTS = ["choose_k_faithful.py", "choose_k_faithful_prior.py"]


def load_script(name):
    path = REPO / "notebooks" / "data" / name
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", SCRIPTS)
def test_the_stored_settings_are_the_scripts(name):
    script = load_script(name)
    _, settings = load_choices(script.PATH)
    assert settings == script.SETTINGS


@pytest.mark.slow
@pytest.mark.parametrize("name", SCRIPTS)
def test_stored_table_matches_a_fresh_choose_k(name):
    """Recompute a stored table (05's: about 300 EM fits; 08's MAP fits: about 200); any CPU
    agrees to far below the printed two decimals."""
    stored, settings = load_choices(load_script(name).PATH)
    fresh = compute_choices(mixlib.datasets.old_faithful(), settings)
    assert list(fresh) == list(stored)
    for name in stored:
        for old, new in zip(stored[name], fresh[name], strict=True):
            assert old.k == new.k and old.n_parameters == new.n_parameters
            assert old.degenerate == new.degenerate and old.fit.degenerate == new.fit.degenerate
            for field in ("log_likelihood", "aic", "bic", "held_out"):
                assert getattr(old, field) == pytest.approx(getattr(new, field), rel=1e-9), field
            for field in ("weights", "means", "sds"):
                np.testing.assert_allclose(getattr(old.fit.params, field),
                                           getattr(new.fit.params, field), rtol=1e-5, atol=1e-8)


def test_round_trip_keeps_every_field(tmp_path):
    x = mixlib.sample(mixlib.MixtureParams([0.5, 0.5], [0, 5], [1, 1]), 80, rng=3)
    settings = {"ks": [1, 2, 3], "n_init": 2, "n_folds": 3, "rng": 1}
    tables = compute_choices({"x": x}, settings)
    path = save_choices(tmp_path / "t.json", tables, settings, made_by="the test")
    loaded, loaded_settings = load_choices(path)
    assert loaded_settings == settings
    for old, new in zip(tables["x"], loaded["x"], strict=True):
        assert new.fit.params == old.fit.params
        assert (new.k, new.n_parameters, new.log_likelihood, new.aic, new.bic, new.held_out,
                new.degenerate) == (old.k, old.n_parameters, old.log_likelihood, old.aic, old.bic,
                                    old.held_out, old.degenerate)
        assert (new.fit.log_likelihood, new.fit.n_iter, new.fit.converged, new.fit.degenerate) == (
            old.fit.log_likelihood, old.fit.n_iter, old.fit.converged, old.fit.degenerate)


def test_rejects_other_files_and_a_missing_command(tmp_path):
    other = tmp_path / "other.json"
    other.write_text('{"format": "something else"}')
    with pytest.raises(ValueError, match="path: .* is not a file written by save_choices"):
        load_choices(other)
    with pytest.raises(ValueError, match="made_by"):
        save_choices(tmp_path / "t.json", {}, {}, made_by="")


@pytest.mark.parametrize("name, loader", [("bic_faithful_2d.py", "load_bics"),        # 07
                                          ("bic_faithful_2d.py", "load_icls"),        # 07
                                          ("nelder_mead_stalls.py", "load_stalls")])  # 03
def test_other_stored_settings_are_the_scripts(name, loader):
    script = load_script(name)
    _, settings = getattr(script, loader)()
    assert settings == script.SETTINGS


@pytest.mark.slow
def test_notebook_07_bic_table_matches_a_fresh_fit():
    """Recompute notebook 07's BIC and ICL tables (160 EM runs) and compare with the stored values."""
    script = load_script("bic_faithful_2d.py")
    settings = script.load_bics()[1]
    fresh = script.compute_tables(script.standardised_faithful(), settings)
    for stored, new in zip((script.load_bics()[0], script.load_icls()[0]), fresh, strict=True):
        assert list(new) == list(stored)
        for structure in stored:
            assert new[structure] == pytest.approx(stored[structure], rel=1e-9), structure


@pytest.mark.slow
def test_notebook_03_nelder_mead_stalls_match_a_fresh_run():
    """Rerun notebook 03's twenty samples (20 BFGS and 40 Nelder-Mead runs)."""
    script = load_script("nelder_mead_stalls.py")
    stored, settings = script.load_stalls()
    assert script.compute_stalls(settings) == stored
