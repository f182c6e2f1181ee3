"""Runs last (file order): the suite must have called every operation of the Kinesis model."""

import pathlib

import pytest

import kutil

HERE = pathlib.Path(__file__).resolve().parent


# aws-models/kinesis.json: the model lists 39 operations (FACTS §1 API protocol); botocore's service model is
# the same model. Operations are recorded by the before-call.kinesis.* hook on every fixture client.
def test_every_model_operation_was_exercised(kinesis, request):
    modules = {p.name for p in HERE.glob("test_*.py")}
    collected = {pathlib.Path(str(item.fspath)).name for item in request.session.items}
    ran_everything = modules <= collected and not request.config.getoption("keyword") and not request.config.getoption("markexpr")
    if not ran_everything:
        pytest.skip("only meaningful when the whole suite runs")
    model_operations = set(kinesis.meta.service_model.operation_names)
    assert len(model_operations) == 39
    missing = model_operations - kutil.CALLED_OPERATIONS
    unknown = kutil.CALLED_OPERATIONS - model_operations
    assert not missing, f"operations never exercised: {sorted(missing)}"
    assert not unknown
    assert kutil.CALLED_OPERATIONS == model_operations
