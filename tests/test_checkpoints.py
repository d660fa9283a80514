"""Checkpoints: resuming reproduces an uninterrupted run bit for bit, files are written
atomically and read without pickle, and bad or mismatched files get clear errors."""

import json
import zipfile

import numpy as np
import pytest

from ngopt_course import training
from ngopt_course.checkpoints import (
    Checkpoint,
    CheckpointError,
    History,
    load_checkpoint,
    save_checkpoint,
)
from ngopt_course.nn import initialize_parameters
from ngopt_course.optimizers import Adam, GradientDescent, Momentum, RMSProp
from ngopt_course.training import train

OPTIMIZERS = {
    "gd": lambda: GradientDescent(0.05),
    "momentum": lambda: Momentum(0.05, beta=0.8),
    "rmsprop": lambda: RMSProp(0.01, beta=0.95, epsilon=1e-7),
    "adam": lambda: Adam(0.01, beta1=0.85, beta2=0.99),
}
SCHEDULES = {"constant": None, "decay": lambda epoch: 0.08 / (1 + 0.5 * epoch)}
DIMS = [2, 4, 3, 1]


def _data(m=26, seed=1):
    rng = np.random.default_rng(seed)
    Y = (np.arange(m) % 2).reshape(1, m).astype(float)
    X = rng.normal(size=(2, m)) + (2 * Y - 1)
    return X, Y


def _run(optimizer, num_epochs, **kwargs):
    X, Y = _data()
    kwargs.setdefault("mini_batch_size", 8)
    kwargs.setdefault("lambd", 0.05)
    kwargs.setdefault("seed", 7)
    return train(X, Y, DIMS, optimizer, num_epochs=num_epochs, progress=False, **kwargs)


def _assert_same_run(a, b):
    (pa, ha), (pb, hb) = a, b
    assert list(pa) == list(pb)
    for key in pa:
        np.testing.assert_array_equal(pa[key], pb[key], err_msg=key)
        assert pa[key].dtype == pb[key].dtype
    for name in ("costs", "epoch_costs", "learning_rates"):
        np.testing.assert_array_equal(getattr(ha, name), getattr(hb, name), err_msg=name)
    assert (ha.epochs_completed, ha.stopped_early, ha.stop_reason) == (hb.epochs_completed, hb.stopped_early, hb.stop_reason)


def _assert_same_state(sa, sb):
    assert type(sa) is type(sb) and sa.t == sb.t and isinstance(sb.t, int)
    for name in ("v", "s"):
        if hasattr(sa, name):
            for key in getattr(sa, name):
                np.testing.assert_array_equal(getattr(sa, name)[key], getattr(sb, name)[key])


# ---------------------------------------------------------------------------
# Resuming is exact
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("schedule", SCHEDULES, ids=str)
@pytest.mark.parametrize("name", OPTIMIZERS)
def test_two_plus_two_epochs_equal_four(tmp_path, name, schedule):
    schedule = SCHEDULES[schedule]
    straight = _run(OPTIMIZERS[name](), 4, schedule=schedule, checkpoint=tmp_path / "straight.npz")
    first = _run(OPTIMIZERS[name](), 2, schedule=schedule, checkpoint=tmp_path / "run.npz")
    assert first[1].epochs_completed == 2
    resumed = _run(OPTIMIZERS[name](), 4, schedule=schedule, resume_from=tmp_path / "run.npz",
                   checkpoint=tmp_path / "run.npz", seed=12345)  # the saved generator wins
    _assert_same_run(resumed, straight)
    # The optimizer states at the end are the same too (v, s, t).
    _assert_same_state(load_checkpoint(tmp_path / "run.npz").state,
                       load_checkpoint(tmp_path / "straight.npz").state)


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_stop_button_then_resume_equals_an_uninterrupted_run(tmp_path, monkeypatch, name):
    straight = _run(OPTIMIZERS[name](), 5)
    real = training._cost_and_grads
    calls = []

    def stop_button(*args):
        calls.append(1)
        if len(calls) == 3 * 4 + 2:  # 4 mini-batches per epoch: in epoch 4, mini-batch 2
            raise KeyboardInterrupt
        return real(*args)

    monkeypatch.setattr(training, "_cost_and_grads", stop_button)
    _, h = _run(OPTIMIZERS[name](), 5, checkpoint=tmp_path / "run.npz", checkpoint_every=1)
    assert h.stop_reason.startswith("interrupted (KeyboardInterrupt) in epoch 4, at mini-batch 2 of 4")
    assert load_checkpoint(tmp_path / "run.npz").epoch == 3  # only whole epochs are saved
    monkeypatch.setattr(training, "_cost_and_grads", real)
    resumed = _run(OPTIMIZERS[name](), 5, resume_from=tmp_path / "run.npz")
    _assert_same_run(resumed, straight)


def test_resume_with_float32(tmp_path):
    X, Y = _data()
    X = X.astype(np.float32)
    kw = dict(mini_batch_size=8, progress=False, seed=3)
    straight = train(X, Y, DIMS, Adam(0.01), num_epochs=3, **kw)
    train(X, Y, DIMS, Adam(0.01), num_epochs=1, checkpoint=tmp_path / "c.npz", **kw)
    ck = load_checkpoint(tmp_path / "c.npz")
    assert all(p.dtype == np.float32 for p in ck.params.values())
    assert all(v.dtype == np.float32 for v in ck.state.v.values())
    resumed = train(X, Y, DIMS, Adam(0.01), num_epochs=3, resume_from=ck, **kw)
    _assert_same_run(resumed, straight)
    again = train(X, Y, DIMS, Adam(0.01), num_epochs=3, resume_from=ck, **kw)  # ck was not consumed
    _assert_same_run(again, straight)


def _spy_saves(monkeypatch):
    saved = []
    real = training.ckpt_module.save_checkpoint
    monkeypatch.setattr(training.ckpt_module, "save_checkpoint",
                        lambda path, ck: (saved.append(ck.epoch), real(path, ck)))
    return saved


def test_checkpoint_every_and_the_last_epoch(tmp_path, monkeypatch):
    saved = _spy_saves(monkeypatch)
    _run(GradientDescent(0.1), 7, checkpoint=tmp_path / "c.npz", checkpoint_every=3)
    assert saved == [3, 6, 7]


def test_by_default_checkpoints_are_spaced_in_time(tmp_path, monkeypatch):
    saved = _spy_saves(monkeypatch)
    _run(GradientDescent(0.1), 7, checkpoint=tmp_path / "c.npz")  # far less than 10 s
    assert saved == [7]
    saved.clear()
    monkeypatch.setattr(training, "CHECKPOINT_SECONDS", 0.0)
    _run(GradientDescent(0.1), 3, checkpoint=tmp_path / "c.npz")
    assert saved == [1, 2, 3]


def test_resuming_a_finished_run_returns_it_and_more_epochs_than_asked_is_an_error(tmp_path):
    done = _run(Adam(0.01), 3, checkpoint=tmp_path / "c.npz")
    again = _run(Adam(0.01), 3, resume_from=tmp_path / "c.npz")
    _assert_same_run(again, done)
    with pytest.raises(ValueError, match=r"the checkpoint has 3 epochs already, more than num_epochs = 2"):
        _run(Adam(0.01), 2, resume_from=tmp_path / "c.npz")


# ---------------------------------------------------------------------------
# The file
# ---------------------------------------------------------------------------

def test_contents_round_trip_and_need_no_pickle(tmp_path):
    params, h = _run(Momentum(0.05, beta=0.8), 2, checkpoint=tmp_path / "c.npz")
    with np.load(tmp_path / "c.npz", allow_pickle=False) as data:  # every entry loads without pickle
        entries = {k: data[k] for k in data.files}
    assert all(a.dtype != object for a in entries.values())
    meta = json.loads(str(entries["meta"]))
    assert meta["optimizer"] == {"name": "Momentum", "hyperparameters": {"learning_rate": 0.05, "beta": 0.8}, "t": 8}
    assert meta["config"] == {"layer_dims": DIMS, "hidden_activation": "relu", "lambd": 0.05,
                              "mini_batch_size": 8, "m": 26, "dtype": "float64", "has_schedule": False}
    ck = load_checkpoint(tmp_path / "c.npz")
    assert ck.epoch == 2 and ck.optimizer_name == "Momentum"
    for key in params:
        np.testing.assert_array_equal(ck.params[key], params[key])
    np.testing.assert_array_equal(ck.history.costs, h.costs)
    np.testing.assert_array_equal(ck.history.times, h.times)
    opt = ck.make_optimizer()
    assert type(opt) is Momentum and opt.learning_rate == 0.05 and opt.beta == 0.8
    # The generator continues exactly where the run's stopped: after drawing the initial
    # weights and one permutation of the m = 26 examples per epoch.
    rng = np.random.default_rng(7)
    initialize_parameters(DIMS, seed=rng)
    for _ in range(2):
        rng.permutation(26)
    np.testing.assert_array_equal(ck.make_rng().permutation(26), rng.permutation(26))


def test_a_mt19937_generator_state_survives_json(tmp_path):
    X, Y = _data()
    seed = np.random.Generator(np.random.MT19937(5))
    train(X, Y, DIMS, Adam(0.01), num_epochs=1, seed=seed, progress=False, checkpoint=tmp_path / "c.npz")
    rng = load_checkpoint(tmp_path / "c.npz").make_rng()
    assert isinstance(rng.bit_generator, np.random.MT19937)
    np.testing.assert_array_equal(rng.random(5), seed.random(5))


def _a_checkpoint():
    params = {"W1": np.ones((1, 2)), "b1": np.zeros((1, 1))}
    return Checkpoint(
        params=params, optimizer_name="GradientDescent", hyperparameters={"learning_rate": 0.1},
        state=GradientDescent(0.1).init(params), history=History(),
        rng_state=np.random.default_rng(0).bit_generator.state,
        config={"layer_dims": [2, 1], "hidden_activation": "relu", "lambd": 0.0, "mini_batch_size": 4,
                "m": 8, "dtype": "float64", "has_schedule": False},
    )


def test_a_failed_save_keeps_the_old_file_and_leaves_no_temporary_file(tmp_path, monkeypatch):
    path = tmp_path / "c.npz"
    _run(Adam(0.01), 1, checkpoint=path)
    before = path.read_bytes()
    real_savez = np.savez

    def fails_midway(file, **arrays):
        real_savez(file, **dict(list(arrays.items())[:2]))  # some bytes are written...
        raise OSError("No space left on device")            # ...then the disk is full

    monkeypatch.setattr(np, "savez", fails_midway)
    with pytest.raises(OSError, match="No space left on device"):
        save_checkpoint(path, _a_checkpoint())
    with pytest.raises(OSError, match="No space left on device"):
        _run(Adam(0.01), 2, checkpoint=path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.npz"]
    monkeypatch.setattr(np, "savez", real_savez)
    assert load_checkpoint(path).epoch == 1


def test_stop_button_during_a_save_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "c.npz"
    save_checkpoint(path, _a_checkpoint())
    before = path.read_bytes()

    def interrupted(file, **arrays):
        file.write(b"PK\x03\x04 half a zip")
        raise KeyboardInterrupt

    monkeypatch.setattr(np, "savez", interrupted)
    _, h = _run(GradientDescent(0.1), 3, checkpoint=path, checkpoint_every=1)
    assert h.stop_reason == ("interrupted (KeyboardInterrupt) after epoch 1, while saving the checkpoint "
                             "(the previous checkpoint file is intact)")
    assert h.epochs_completed == 1
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.npz"]


def test_save_writes_exactly_the_path_given(tmp_path):
    save_checkpoint(tmp_path / "run", _a_checkpoint())  # np.savez alone would add ".npz"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]
    assert load_checkpoint(tmp_path / "run").params["W1"].shape == (1, 2)


# ---------------------------------------------------------------------------
# Bad files
# ---------------------------------------------------------------------------

def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"no checkpoint at '.*nothing.npz'"):
        load_checkpoint(tmp_path / "nothing.npz")
    with pytest.raises(FileNotFoundError, match=r"no checkpoint at"):
        _run(Adam(0.01), 2, resume_from=tmp_path / "nothing.npz")


@pytest.mark.parametrize("damage", ["truncated", "garbage", "flipped", "empty"])
def test_truncated_or_corrupted_files_get_a_clear_error(tmp_path, damage):
    path = tmp_path / "c.npz"
    _run(Adam(0.01), 2, checkpoint=path)
    data = bytearray(path.read_bytes())
    if damage == "truncated":
        data = data[: len(data) // 2]
    elif damage == "garbage":
        data = bytearray(b"this is not a zip file at all" * 10)
    elif damage == "flipped":  # a byte inside the stored arrays: the zip's CRC catches it
        with zipfile.ZipFile(path) as z:
            info = z.getinfo("params/W2.npy")
        offset = info.header_offset + 30 + len(info.filename) + len(info.extra) + 140
        data[offset] ^= 0xFF
    else:
        data = bytearray()
    path.write_bytes(bytes(data))
    with pytest.raises(CheckpointError, match=r"cannot read checkpoint '.*c.npz': the file is truncated, corrupted"):
        load_checkpoint(path)
    with pytest.raises(CheckpointError, match=r"truncated, corrupted"):
        _run(Adam(0.01), 3, resume_from=path)


def test_an_npz_that_is_not_a_checkpoint(tmp_path):
    np.savez(tmp_path / "other.npz", W1=np.ones(3))
    with pytest.raises(CheckpointError, match=r"it has no 'meta' entry: not written by save_checkpoint"):
        load_checkpoint(tmp_path / "other.npz")


def test_a_missing_or_inconsistent_entry_is_named(tmp_path):
    path = tmp_path / "c.npz"
    _run(Adam(0.01), 2, checkpoint=path)
    with np.load(path) as data:
        entries = {k: data[k] for k in data.files}
    without = {k: v for k, v in entries.items() if k != "state/s/b2"}
    np.savez(tmp_path / "missing.npz", **without)
    with pytest.raises(CheckpointError, match=r"missing.npz': the entry 'state/s/b2' is missing"):
        load_checkpoint(tmp_path / "missing.npz")
    np.savez(tmp_path / "shape.npz", **dict(entries, **{"params/W2": np.ones((3, 5))}))
    with pytest.raises(CheckpointError, match=r"state.v\['W2'\] has shape \(3, 4\) \(float64\) but params\['W2'\] has \(3, 5\)"):
        load_checkpoint(tmp_path / "shape.npz")


# ---------------------------------------------------------------------------
# Mismatched runs
# ---------------------------------------------------------------------------

@pytest.fixture
def adam_checkpoint(tmp_path):
    path = tmp_path / "adam.npz"
    _run(Adam(0.01, beta1=0.85, beta2=0.99), 2, checkpoint=path)
    return path


def test_other_layer_sizes(adam_checkpoint):
    X, Y = _data()
    with pytest.raises(CheckpointError, match=r"layer_dims: checkpoint \[2, 4, 3, 1\], this run \[2, 5, 1\]"):
        train(X, Y, [2, 5, 1], Adam(0.01, beta1=0.85, beta2=0.99), mini_batch_size=8, lambd=0.05,
              num_epochs=4, progress=False, resume_from=adam_checkpoint)


def test_other_optimizer(adam_checkpoint):
    with pytest.raises(CheckpointError, match=r"does not match this run \(optimizer: checkpoint Adam, this run Momentum\)"):
        _run(Momentum(0.01), 4, resume_from=adam_checkpoint)


def test_other_hyperparameters_and_settings_are_all_listed(adam_checkpoint):
    with pytest.raises(CheckpointError) as err:
        _run(Adam(0.02, beta1=0.9, beta2=0.99), 4, resume_from=adam_checkpoint, mini_batch_size=4,
             schedule=lambda e: 0.01)
    message = str(err.value)
    for part in ("learning_rate: checkpoint 0.01, this run 0.02", "beta1: checkpoint 0.85, this run 0.9",
                 "mini_batch_size: checkpoint 8, this run 4", "has_schedule: checkpoint False, this run True"):
        assert part in message
    assert "beta2" not in message


def test_other_data_size_and_dtype(adam_checkpoint):
    X, Y = _data(m=30)
    with pytest.raises(CheckpointError, match=r"m: checkpoint 26, this run 30"):
        train(X, Y, DIMS, Adam(0.01, beta1=0.85, beta2=0.99), mini_batch_size=8, lambd=0.05,
              num_epochs=4, progress=False, resume_from=adam_checkpoint)
    with pytest.raises(CheckpointError, match=r"dtype: checkpoint 'float64', this run 'float32'"):
        _run(Adam(0.01, beta1=0.85, beta2=0.99), 4, resume_from=adam_checkpoint, dtype=np.float32)


def test_optimizers_outside_the_course_cannot_be_checkpointed(tmp_path):
    class MyAdam(Adam):
        pass

    with pytest.raises(TypeError, match=r"checkpoints support the optimizers .* got MyAdam"):
        _run(MyAdam(0.01), 2, checkpoint=tmp_path / "c.npz")


def test_eps_root_is_saved_and_checked_on_resume(tmp_path):
    # Adam with the slide's epsilon (inside the root): the checkpoint holds eps_root, makes
    # the same optimizer back, and a run with another eps_root may not resume from it.
    _run(Adam(0.01, epsilon=0.0, eps_root=1e-8), 1, checkpoint=tmp_path / "c.npz")
    ck = load_checkpoint(tmp_path / "c.npz")
    assert ck.hyperparameters == {"learning_rate": 0.01, "beta1": 0.9, "beta2": 0.999,
                                  "epsilon": 0.0, "eps_root": 1e-8}
    assert repr(ck.make_optimizer()) == repr(Adam(0.01, epsilon=0.0, eps_root=1e-8))
    with pytest.raises(CheckpointError, match=r"eps_root: checkpoint 1e-08, this run 0.0"):
        _run(Adam(0.01, epsilon=1e-8), 2, resume_from=tmp_path / "c.npz")


def test_file_from_before_eps_root_loads_with_eps_root_zero(tmp_path):
    path = tmp_path / "old.npz"
    _run(RMSProp(0.01, beta=0.95, epsilon=1e-7), 1, checkpoint=path)
    with np.load(path, allow_pickle=False) as data:
        entries = {k: data[k] for k in data.files}
    meta = json.loads(str(entries["meta"]))
    del meta["optimizer"]["hyperparameters"]["eps_root"]  # as written before eps_root existed
    entries["meta"] = np.array(json.dumps(meta))
    np.savez(path, **entries)
    ck = load_checkpoint(path)
    assert ck.hyperparameters == {"learning_rate": 0.01, "beta": 0.95, "epsilon": 1e-7, "eps_root": 0.0}
    _run(RMSProp(0.01, beta=0.95, epsilon=1e-7), 2, resume_from=path)  # resumes as before
