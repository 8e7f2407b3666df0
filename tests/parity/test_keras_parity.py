"""Parity: fasttape's Keras optimizers, schedules, losses and activations against
TensorFlow's Keras 3, step by step in float64."""

import pytest

tf_ref = pytest.importorskip("tensorflow")

import numpy as np  # noqa: E402

import fasttape as tf  # noqa: E402

ko, kr = tf.keras.optimizers, tf_ref.keras.optimizers

OPTIMIZERS = [
    ("SGD", {}), ("SGD", {"momentum": 0.9}), ("SGD", {"momentum": 0.9, "nesterov": True}),
    ("Adam", {}), ("Adam", {"amsgrad": True}), ("AdamW", {}),
    ("Adam", {"weight_decay": 0.1}), ("RMSprop", {}), ("RMSprop", {"centered": True}),
    ("RMSprop", {"momentum": 0.5}), ("RMSprop", {"momentum": 0.5, "centered": True}),
    ("Adagrad", {}), ("Adadelta", {}), ("Adamax", {}), ("Nadam", {}), ("Ftrl", {}),
    ("Ftrl", {"l1_regularization_strength": 0.01, "l2_regularization_strength": 0.02,
              "l2_shrinkage_regularization_strength": 0.03, "beta": 0.1}),
    ("Lion", {}), ("Adafactor", {}), ("Adafactor", {"relative_step": False,
                                                     "weight_decay": 0.1}),
    ("Lamb", {}), ("Lamb", {"weight_decay": 0.1, "beta_1": 0.8}),
    ("SGD", {"clipnorm": 0.5}),
    ("Adam", {"clipvalue": 0.3}), ("Adam", {"global_clipnorm": 0.4}),
    ("Adam", {"use_ema": True, "ema_overwrite_frequency": 2}),
    ("SGD", {"gradient_accumulation_steps": 2}), ("Adam", {"loss_scale_factor": 4.0}),
    # Keras' Muon reads `variable.path`, which a tf.Variable lacks, unless embeddings
    # are not excluded; its rms_rate factor is float32, which float64 variables refuse
    # (float32 is compared below)
    ("Muon", {"exclude_embeddings": False, "rms_rate": None}),
    ("Muon", {"exclude_embeddings": False, "nesterov": False, "rms_rate": None,
              "adam_lr_ratio": 0.1, "weight_decay": None, "ns_steps": 3}),
    ("Muon", {"exclude_embeddings": False, "adam_weight_decay": None, "momentum": 0.8,
              "rms_rate": None}),
    ("ScheduleFreeAdamW", {}), ("ScheduleFreeAdamW", {"warmup_steps": 3, "weight_decay": 0.1}),
    ("ScheduleFreeAdamW", {"beta_1": 0.8, "epsilon": 1e-6, "clipnorm": 0.5}),
    ("Adamax", {"clipvalue": 0.3}), ("Adamax", {"weight_decay": 0.1}),
    ("Adafactor", {"clipnorm": 0.5}), ("Adafactor", {"clipvalue": 0.3}),
    ("Adamax", {"global_clipnorm": 0.4}), ("Adafactor", {"global_clipnorm": 0.4}),
    ("RMSprop", {"global_clipnorm": 0.4, "momentum": 0.5}), ("Ftrl", {"global_clipnorm": 0.4}),
    ("Adagrad", {"global_clipnorm": 0.4}), ("Adadelta", {"global_clipnorm": 0.4}),
    ("Nadam", {"global_clipnorm": 0.4}), ("Lamb", {"global_clipnorm": 0.4}),
    ("ScheduleFreeAdamW", {"global_clipnorm": 0.4}),
    ("Adam", {"global_clipnorm": 0.4, "gradient_accumulation_steps": 2}),
    ("Adamax", {"gradient_accumulation_steps": 2}), ("Adafactor", {"loss_scale_factor": 2.0}),
    ("SGD", {"momentum": 0.9, "loss_scale_factor": 4.0}),
]
IDS = [f"{n}-{'-'.join(f'{k}={v}' for k, v in kw.items()) or 'default'}" for n, kw in OPTIMIZERS]


def _grads(seed, steps):
    rng = np.random.default_rng(seed)
    return [(rng.normal(size=(4, 3)), rng.normal(size=(3,))) for _ in range(steps)]


@pytest.mark.parametrize("name,kwargs", OPTIMIZERS, ids=IDS)
def test_dense_steps_match_keras(name, kwargs):
    kwargs = dict(kwargs, learning_rate=0.05)
    init = [np.linspace(-1, 1, 12).reshape(4, 3), np.array([0.3, -0.2, 0.1])]
    ours = [tf.Variable(a) for a in init]
    theirs = [tf_ref.Variable(a) for a in init]
    o, r = getattr(ko, name)(**kwargs), getattr(kr, name)(**kwargs)
    for gs in _grads(0, 5):
        o.apply_gradients(zip([tf.constant(g) for g in gs], ours))
        r.apply_gradients(zip([tf_ref.constant(g) for g in gs], theirs))
        for a, b in zip(ours, theirs):
            np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-9, atol=1e-12)
    assert int(o.iterations) == int(r.iterations)
    assert len(o.variables) == len(r.variables)
    for a, b in zip(o.variables, r.variables):
        assert tuple(a.shape) == tuple(b.shape)
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-9, atol=1e-12)


def _sparse_steps(mod, opt, var):
    rng = np.random.default_rng(1)
    for idx in ([0, 2, 2], [4, 1], [2, 2, 2, 0], [1, 3, 3]):
        vals = rng.normal(size=(len(idx), 3))
        opt.apply_gradients([(mod.IndexedSlices(mod.constant(vals), mod.constant(idx),
                                                mod.constant([5, 3])), var)])
        yield


# Keras divides gradients by `loss_scale_factor`, which an IndexedSlices refuses
SPARSE = [c for c in OPTIMIZERS if "loss_scale_factor" not in c[1]]
SPARSE_UNSCALED = [c for c in OPTIMIZERS if "loss_scale_factor" in c[1]]


@pytest.mark.parametrize("name,kwargs", SPARSE, ids=[IDS[OPTIMIZERS.index(c)] for c in SPARSE])
def test_indexed_slices_with_duplicates_match_keras(name, kwargs):
    kwargs = dict(kwargs, learning_rate=0.05)
    init = np.linspace(-1, 1, 15).reshape(5, 3)
    ours, theirs = tf.Variable(init), tf_ref.Variable(init)
    o, r = getattr(ko, name)(**kwargs), getattr(kr, name)(**kwargs)
    for _ in zip(_sparse_steps(tf, o, ours), _sparse_steps(tf_ref, r, theirs)):
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-9, atol=1e-12)
        for a, b in zip(o.variables, r.variables):
            np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("name,kwargs", SPARSE_UNSCALED,
                         ids=[IDS[OPTIMIZERS.index(c)] for c in SPARSE_UNSCALED])
def test_loss_scale_factor_refuses_indexed_slices_like_keras(name, kwargs):
    init = np.linspace(-1, 1, 15).reshape(5, 3)
    ours, theirs = tf.Variable(init), tf_ref.Variable(init)
    o, r = getattr(ko, name)(**kwargs), getattr(kr, name)(**kwargs)
    with pytest.raises(TypeError):
        next(_sparse_steps(tf_ref, r, theirs))
    with pytest.raises(TypeError, match="loss_scale_factor.*Variable"):
        next(_sparse_steps(tf, o, ours))
    np.testing.assert_array_equal(ours.numpy(), init)
    assert int(o.iterations) == int(r.iterations) == 0
    for a, b in zip(o.variables, r.variables):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


@pytest.mark.parametrize("kwargs", [{}, {"rms_rate": 0.5, "nesterov": False},
                                    {"exclude_layers": ["kern"]}])
def test_muon_float32_matches_keras(kwargs):
    init = [np.linspace(-1, 1, 12).reshape(4, 3).astype("float32"),
            np.linspace(-1, 1, 12).reshape(3, 4).astype("float32"),
            np.array([0.3, -0.2, 0.1], dtype="float32")]
    ours = [tf.Variable(a, name=n) for a, n in zip(init, ["kernel", "tall", "bias"])]
    theirs = [tf_ref.Variable(a) for a in init]
    o = ko.Muon(learning_rate=0.05, exclude_embeddings=False, **kwargs)
    r = kr.Muon(learning_rate=0.05, exclude_embeddings=False,
                **{k: v for k, v in kwargs.items() if k != "exclude_layers"})
    if "exclude_layers" in kwargs:
        r._should_use_adamw = lambda v: v is theirs[0] or len(v.shape) != 2
    for gs in _grads(4, 4):
        gs = [gs[0].astype("float32"), gs[0].T.astype("float32"), gs[1].astype("float32")]
        o.apply_gradients(zip([tf.constant(g) for g in gs], ours))
        r.apply_gradients(zip([tf_ref.constant(g) for g in gs], theirs))
        for a, b in zip(ours, theirs):
            np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=2e-5, atol=2e-6)
    assert [tuple(a.shape) for a in o.variables] == [tuple(b.shape) for b in r.variables]


FLOAT32 = [("SGD", {"momentum": 0.9, "nesterov": True, "weight_decay": 0.1}),
           ("Adam", {"weight_decay": 0.1}), ("Adam", {"amsgrad": True}),
           ("RMSprop", {"centered": True, "momentum": 0.5}), ("RMSprop", {}), ("Adagrad", {}),
           ("Nadam", {}), ("Lion", {"weight_decay": 0.1}), ("Adamax", {}), ("Adadelta", {}),
           ("Ftrl", {}), ("ScheduleFreeAdamW", {"warmup_steps": 2}),
           ("Muon", {"exclude_embeddings": False})]


@pytest.mark.parametrize("name,kwargs", FLOAT32, ids=[n + str(i) for i, (n, _) in
                                                      enumerate(FLOAT32)])
def test_float32_steps_match_keras(name, kwargs):
    # the kernels compute in float32 as Keras does: agreement to a float32 ulp or so
    rng = np.random.default_rng(5)
    init = [rng.normal(size=(8, 5)).astype("float32"), rng.normal(size=5).astype("float32")]
    ours, theirs = [tf.Variable(a) for a in init], [tf_ref.Variable(a) for a in init]
    o = getattr(ko, name)(learning_rate=0.05, **kwargs)
    r = getattr(kr, name)(learning_rate=0.05, **kwargs)
    for _ in range(5):
        gs = [rng.normal(size=a.shape).astype("float32") for a in init]
        o.apply_gradients(zip([tf.constant(g) for g in gs], ours))
        r.apply_gradients(zip([tf_ref.constant(g) for g in gs], theirs))
    for a, b in zip(ours, theirs):
        assert a.dtype == tf.float32
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=2e-6, atol=1e-6)


@pytest.mark.parametrize("dtype", ["float32", "float16"])
def test_low_precision_adam_close_to_keras(dtype):
    init = np.linspace(-1, 1, 6).astype(dtype)
    ours, theirs = tf.Variable(init), tf_ref.Variable(init)
    o, r = ko.Adam(0.01), kr.Adam(0.01)
    for g in _grads(2, 3):
        o.apply_gradients([(tf.constant(g[0].ravel()[:6].astype(dtype)), ours)])
        r.apply_gradients([(tf_ref.constant(g[0].ravel()[:6].astype(dtype)), theirs)])
    assert ours.dtype == tf.as_dtype(dtype)
    tol = 1e-6 if dtype == "float32" else 2e-3
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=tol, atol=tol)


def test_loss_scale_optimizer_matches_keras():
    init = [np.linspace(-1, 1, 12).reshape(4, 3), np.array([0.3, -0.2, 0.1])]
    ours = [tf.Variable(a) for a in init]
    theirs = [tf_ref.Variable(a) for a in init]
    o = ko.LossScaleOptimizer(ko.Adam(0.05), initial_scale=64.0, dynamic_growth_steps=2)
    r = kr.LossScaleOptimizer(kr.Adam(0.05), initial_scale=64.0, dynamic_growth_steps=2)
    assert float(o.scale_loss(2.0)) == float(r.scale_loss(2.0))
    grads = _grads(3, 7)
    grads[2][1][1] = np.inf
    grads[4][0][0, 0] = np.nan
    for gs in grads:
        o.apply_gradients(zip([tf.constant(g) for g in gs], ours))
        r.apply_gradients(zip([tf_ref.constant(g) for g in gs], theirs))
        for a, b in zip(ours, theirs):
            np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-9, atol=1e-12)
        assert int(o.iterations) == int(r.iterations)
        assert [np.asarray(v).dtype for v in o.variables] == [
            np.asarray(v).dtype for v in r.variables]
        for a, b in zip(o.variables, r.variables):
            np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-6, atol=1e-12)
        for loss in (3.0, np.float64(3.0)):
            a, b = o.scale_loss(tf.constant(loss)), r.scale_loss(tf_ref.constant(loss))
            assert a.dtype.name == b.dtype.name and float(a) == float(b)
    a, b = o.get_config(), r.get_config()
    assert a["initial_scale"] == b["initial_scale"]
    assert a["dynamic_growth_steps"] == b["dynamic_growth_steps"]
    assert sorted(a["inner_optimizer"]["config"]) == sorted(b["inner_optimizer"]["config"])


SCHEDULES = [
    ("ExponentialDecay", (0.1, 10, 0.5), {}), ("ExponentialDecay", (0.1, 10, 0.5),
                                              {"staircase": True}),
    ("PiecewiseConstantDecay", ([3, 7], [1.0, 0.5, 0.1]), {}),
    ("PolynomialDecay", (0.1, 10), {}), ("PolynomialDecay", (0.1, 10),
                                         {"power": 2.0, "cycle": True}),
    ("InverseTimeDecay", (0.1, 5, 0.5), {}), ("InverseTimeDecay", (0.1, 5, 0.5),
                                              {"staircase": True}),
    ("CosineDecay", (0.1, 10), {"alpha": 0.1}),
    ("CosineDecay", (0.0, 10), {"warmup_target": 0.2, "warmup_steps": 4}),
    ("CosineDecayRestarts", (0.1, 4), {}), ("CosineDecayRestarts", (0.1, 4),
                                            {"t_mul": 1.0, "m_mul": 0.5, "alpha": 0.1}),
]


@pytest.mark.parametrize("name,args,kwargs", SCHEDULES,
                         ids=[f"{n}-{i}" for i, (n, _, _) in enumerate(SCHEDULES)])
def test_schedules_match_keras(name, args, kwargs):
    ours = getattr(ko.schedules, name)(*args, **kwargs)
    theirs = getattr(kr.schedules, name)(*args, **kwargs)
    for step in [0, 1, 3, 4, 5, 7, 9, 10, 11, 17, 30]:
        a, b = ours(step), theirs(step)
        assert a.dtype == tf.float32
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=2e-6, atol=1e-9)
    assert ours.get_config() == theirs.get_config()


def test_scheduled_optimizer_matches_keras():
    s_ours = ko.schedules.ExponentialDecay(0.1, 2, 0.5)
    s_theirs = kr.schedules.ExponentialDecay(0.1, 2, 0.5)
    v_ours, v_theirs = tf.Variable(np.ones(3)), tf_ref.Variable(np.ones(3))
    o, r = ko.SGD(s_ours), kr.SGD(s_theirs)
    for _ in range(4):
        o.apply_gradients([(tf.constant(np.ones(3)), v_ours)])
        r.apply_gradients([(tf_ref.constant(np.ones(3)), v_theirs)])
    np.testing.assert_allclose(v_ours.numpy(), v_theirs.numpy(), rtol=1e-9)
    np.testing.assert_allclose(o.learning_rate.numpy(), r.learning_rate.numpy())


def test_config_keys_match_keras():
    for name, kwargs in OPTIMIZERS:
        a = getattr(ko, name)(**kwargs).get_config()
        b = getattr(kr, name)(**kwargs).get_config()
        assert sorted(a) == sorted(b), name
        for k in a:
            if k != "name":
                expected = pytest.approx(b[k]) if isinstance(b[k], float) else b[k]
                assert a[k] == expected, (name, k)


_Y = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
_P = np.array([[0.2, 0.7, 0.1], [0.5, 0.3, 0.2], [0.05, 0.15, 0.8]])
_Z = np.array([[0.3, 1.2, -0.5], [2.0, -1.0, 0.1], [-0.3, 0.4, 1.5]])
_W = np.array([1.0, 0.5, 2.0])

LOSS_CASES = [
    ("MeanSquaredError", {}, _Y, _Z), ("MeanAbsoluteError", {}, _Y, _Z),
    ("MeanAbsolutePercentageError", {}, _Y + 1, _Z), ("MeanSquaredLogarithmicError", {},
                                                      _Y, _P),
    ("Huber", {"delta": 0.7}, _Y, _Z), ("LogCosh", {}, _Y, _Z),
    ("BinaryCrossentropy", {}, _Y, _P), ("BinaryCrossentropy", {"from_logits": True,
                                                               "label_smoothing": 0.1}, _Y, _Z),
    ("CategoricalCrossentropy", {}, _Y, _P * 2),
    ("CategoricalCrossentropy", {"from_logits": True, "label_smoothing": 0.2}, _Y, _Z),
    ("KLDivergence", {}, _P[::-1], _P), ("Poisson", {}, _Y, _P),
    ("CosineSimilarity", {}, _Y, _Z), ("Hinge", {}, _Y, _Z), ("SquaredHinge", {}, _Y, _Z),
    ("CategoricalHinge", {}, _Y, _Z), ("BinaryFocalCrossentropy", {}, _Y, _P),
    ("BinaryFocalCrossentropy", {"apply_class_balancing": True, "from_logits": True}, _Y, _Z),
    ("CategoricalFocalCrossentropy", {}, _Y, _P),
    ("CategoricalFocalCrossentropy", {"from_logits": True, "gamma": 1.5}, _Y, _Z),
    ("Dice", {}, _Y, _P), ("Tversky", {"alpha": 0.3, "beta": 0.7}, _Y, _P),
]


@pytest.mark.parametrize("reduction", ["sum_over_batch_size", "sum", "none"])
@pytest.mark.parametrize("name,kwargs,y,p", LOSS_CASES,
                         ids=[f"{n}-{i}" for i, (n, _, _, _) in enumerate(LOSS_CASES)])
def test_losses_match_keras(name, kwargs, y, p, reduction):
    ours = getattr(tf.keras.losses, name)(reduction=reduction, **kwargs)
    theirs = getattr(tf_ref.keras.losses, name)(reduction=reduction, **kwargs)
    for sw in (None, _W):
        if name in ("Dice", "Tversky") and sw is not None:
            continue
        a, b = ours(y, p, sample_weight=sw), theirs(y, p, sample_weight=sw)
        assert a.dtype.name == b.dtype.name
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=2e-5, atol=1e-6)
    assert ours.name == theirs.name


def test_sparse_categorical_crossentropy_matches_keras():
    labels = np.array([1, 0, 2])
    for kw in ({"from_logits": True}, {}, {"from_logits": True, "ignore_class": 2}):
        p = _Z if kw.get("from_logits") else _P
        a = tf.keras.losses.SparseCategoricalCrossentropy(**kw)(labels, p)
        b = tf_ref.keras.losses.SparseCategoricalCrossentropy(**kw)(labels, p)
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=2e-6)
    a = tf.keras.losses.categorical_generalized_cross_entropy(labels, _P, q=0.3)
    b = tf_ref.keras.losses.categorical_generalized_cross_entropy(labels, _P, q=0.3)
    np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-12)


@pytest.mark.parametrize("kwargs", [{}, {"gamma": 4.0, "margin": 0.25},
                                    {"remove_diagonal": False}])
def test_circle_matches_keras(kwargs):
    rng = np.random.default_rng(0)
    e = rng.normal(size=(6, 4))
    e /= np.linalg.norm(e, axis=1, keepdims=True)
    labels = np.array([0, 1, 0, 2, 1, 3])
    for reduction in ("sum_over_batch_size", "sum", "none"):
        for sw in (None, np.arange(1.0, 7.0)):
            a = tf.keras.losses.Circle(reduction=reduction, **kwargs)(labels, e, sw)
            b = tf_ref.keras.losses.Circle(reduction=reduction, **kwargs)(labels, e, sw)
            assert a.dtype.name == b.dtype.name
            np.testing.assert_allclose(a.numpy(), np.asarray(b), rtol=2e-6, atol=1e-6)
    refs = dict(ref_labels=labels[:3], ref_embeddings=e[:3], **kwargs)
    np.testing.assert_allclose(tf.keras.losses.circle(labels, e, **refs).numpy(),
                               np.asarray(tf_ref.keras.losses.circle(labels, e, **refs)),
                               rtol=1e-12)

    def grad(mod):
        z = mod.Variable(e)
        with mod.GradientTape() as tape:
            loss = mod.keras.losses.Circle(dtype="float64", **kwargs)(labels, z)
        return tape.gradient(loss, z).numpy()
    np.testing.assert_allclose(grad(tf), grad(tf_ref), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_ctc_matches_keras(dtype):
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(3, 7, 5))
    labels = np.array([[1, 2, 2, 0], [3, 1, 0, 0], [4, 4, 4, 1]])
    for reduction in ("sum_over_batch_size", "none"):
        a = tf.keras.losses.CTC(reduction=reduction, dtype=dtype)(labels, logits)
        b = tf_ref.keras.losses.CTC(reduction=reduction, dtype=dtype)(labels, logits)
        assert a.dtype.name == b.dtype.name
        np.testing.assert_allclose(a.numpy(), np.asarray(b), rtol=1e-6)

    def grad(mod):
        z = mod.Variable(logits.astype(dtype))
        with mod.GradientTape() as tape:
            loss = mod.keras.losses.ctc(labels, z)
        return tape.gradient(loss, z).numpy()
    np.testing.assert_allclose(grad(tf), grad(tf_ref), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("kwargs", [{}, {"side": "imag", "window": "hamming",
                                         "scaling": "spectrum", "periodic": True},
                                    {"window": None},
                                    {"window": list(np.linspace(0.1, 1, 16)), "scaling": None}])
def test_stft_initializer_matches_keras(kwargs):
    for dtype in (None, "float64"):
        a = tf.keras.initializers.STFT(**kwargs)((16, 1, 9), dtype=dtype)
        b = tf_ref.keras.initializers.STFT(**kwargs)((16, 1, 9), dtype=dtype)
        assert a.dtype.name == b.dtype.name
        if dtype == "float64":
            np.testing.assert_array_equal(a.numpy(), np.asarray(b))
        else:     # float32 cos/sin may differ by an ulp
            np.testing.assert_allclose(a.numpy(), np.asarray(b), rtol=0, atol=1e-7)
    assert (tf.keras.initializers.STFT(**kwargs).get_config()
            == tf_ref.keras.initializers.STFT(**kwargs).get_config())


def test_loss_gradients_match_tensorflow():
    def grad(mod, fn):
        z = mod.Variable(_Z)
        with mod.GradientTape() as tape:
            loss = fn(mod)(_Y, z)
        return tape.gradient(loss, z).numpy()
    for make in (lambda m: m.keras.losses.CategoricalCrossentropy(from_logits=True,
                                                                  dtype="float64"),
                 lambda m: m.keras.losses.Huber(dtype="float64"),
                 lambda m: m.keras.losses.BinaryCrossentropy(from_logits=True,
                                                             dtype="float64")):
        np.testing.assert_allclose(grad(tf, make), grad(tf_ref, make), rtol=1e-10)


ACTIVATIONS = ["celu", "elu", "exponential", "gelu", "hard_shrink", "hard_sigmoid",
               "hard_silu", "hard_swish", "hard_tanh", "leaky_relu", "linear", "log_sigmoid",
               "log_softmax", "mish", "relu", "relu6", "selu", "sigmoid", "silu", "soft_shrink",
               "softmax", "softplus", "softsign", "sparse_plus", "sparse_sigmoid", "sparsemax",
               "squareplus", "swish", "tanh", "tanh_shrink", "glu"]


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activations_match_keras(name):
    x = np.array([[-3.5, -1.0, -0.3, 0.0, 0.2, 0.9, 1.0, 4.0]])
    a = getattr(tf.keras.activations, name)(x)
    b = getattr(tf_ref.keras.activations, name)(x)
    assert isinstance(a, tf.Tensor)
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(tf.keras.activations.threshold(x, 0.5, -1.0).numpy(),
                               tf_ref.keras.activations.threshold(x, 0.5, -1.0).numpy())
