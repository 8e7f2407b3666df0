"""Runs each example's main() and checks its metrics (examples/*.py)."""

import importlib.util
import pathlib

import pytest

EXAMPLES = pathlib.Path(__file__).resolve().parent.parent / "examples"


def _main(name):
    spec = importlib.util.spec_from_file_location(f"examples_{name}", EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.main


def test_linear_regression_reaches_the_least_squares_fit():
    m = _main("linear_regression")(verbose=False)
    assert m["final_loss"] < m["initial_loss"] / 1000
    assert m["final_loss"] == pytest.approx(m["lstsq_loss"], rel=1e-3)
    assert m["max_param_error"] < 1e-4


def test_logistic_regression_gradient_and_accuracy():
    m = _main("logistic_regression")(verbose=False)
    assert m["grad_max_abs_error"] < 1e-5
    assert m["final_loss"] < m["initial_loss"] / 2.5
    assert m["accuracy"] > 0.9


def test_mlp_learns_the_spiral():
    m = _main("mlp")(verbose=False)
    assert m["final_loss"] < m["initial_loss"] / 5
    assert m["accuracy"] > 0.95


def test_newton_converges_in_a_few_iterations():
    m = _main("newton")(verbose=False)
    assert m["hessian_max_abs_error"] < 1e-8
    assert m["iterations"] <= 10
    assert m["distance_to_minimum"] < 1e-8
    assert m["final_gradient_norm"] < 1e-8


def test_custom_training_loop_learns_the_blobs():
    m = _main("custom_training_loop")(verbose=False)
    assert m["final_loss"] < m["initial_loss"] / 10
    assert m["accuracy"] > 0.95
    assert m["iterations"] == 200
    # the cosine schedule has decayed to its floor, alpha * initial
    assert m["final_learning_rate"] == pytest.approx(2e-3, rel=1e-5)
    # layer names are unique per process (dense, dense_1, ...), as in Keras
    names = m["variable_names"]
    assert [n.split("/")[1] for n in names] == ["kernel:0", "bias:0"] * 2
    assert names[0].split("/")[0] == names[1].split("/")[0] != names[2].split("/")[0]
    assert all(n.startswith("dense") for n in names)


def test_newton_cg_with_forward_over_reverse_hvps():
    m = _main("newton_cg")(verbose=False)
    assert m["hvp_max_abs_error"] < 1e-10
    assert m["final_loss"] < m["initial_loss"] / 2
    assert m["final_gradient_norm"] < 1e-5


def test_per_example_gradients_average_to_the_batch_gradient():
    m = _main("per_example_grads")(verbose=False)
    assert m["mean_grad_max_abs_error"] < 1e-12
    assert m["grad_shapes"] == [(64, 8, 16), (64, 16), (64, 16, 1)]
    assert m["final_loss"] < m["initial_loss"] * 0.7


def test_physics_fit_module_recovers_the_parameters():
    m = _main("physics_fit_module")(verbose=False)
    assert m["final_loss"] < m["initial_loss"] / 100
    assert max(m["errors"].values()) < 0.02
    assert m["variable_names"] == ["damped_oscillator/amplitude:0",
                                   "damped_oscillator/damping:0",
                                   "damped_oscillator/omega:0", "damped_oscillator/phase:0"]
