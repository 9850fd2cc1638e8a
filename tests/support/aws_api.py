"""Validate request payloads against botocore's service models, including what its validator skips.

botocore's ParamValidator checks structure and types; it does not check enum values or numeric ranges,
and it only checks some lengths. `validate_request` runs it and then walks the shape tree checking enums,
`min`/`max` of numbers and lengths of strings and lists, so a payload that passes would be accepted by AWS
as far as the model can tell.
"""

from __future__ import annotations

import functools
from typing import Any

import botocore.session
from botocore.model import ListShape, MapShape, OperationModel, Shape, StructureShape
from botocore.validate import ParamValidator


@functools.cache
def _session() -> botocore.session.Session:
    return botocore.session.get_session()


def operation_model(service: str, operation: str) -> OperationModel:
    return _session().get_service_model(service).operation_model(operation)


def _check_shape(shape: Shape, value: Any, path: str, problems: list[str]) -> None:
    meta = shape.metadata
    if isinstance(shape, StructureShape) and isinstance(value, dict):
        for name, member_value in value.items():
            if name in shape.members:
                _check_shape(shape.members[name], member_value, f"{path}.{name}", problems)
        return
    if isinstance(shape, ListShape) and isinstance(value, list):
        _check_range(len(value), meta, f"{path} (length)", problems)
        for index, item in enumerate(value):
            _check_shape(shape.member, item, f"{path}[{index}]", problems)
        return
    if isinstance(shape, MapShape) and isinstance(value, dict):
        for key, item in value.items():
            _check_shape(shape.value, item, f"{path}[{key}]", problems)
        return
    if shape.type_name == "string" and isinstance(value, str):
        if shape.enum and value not in shape.enum:
            problems.append(f"{path}: {value!r} is not one of {shape.enum}")
        _check_range(len(value), meta, f"{path} (length)", problems)
    elif shape.type_name in ("integer", "long", "float", "double") and isinstance(value, (int, float)):
        _check_range(value, meta, path, problems)


def _check_range(value: float, meta: dict[str, Any], path: str, problems: list[str]) -> None:
    if "min" in meta and value < meta["min"]:
        problems.append(f"{path}: {value} is below the minimum {meta['min']}")
    if "max" in meta and value > meta["max"]:
        problems.append(f"{path}: {value} is above the maximum {meta['max']}")


def validate_request(service: str, operation: str, params: dict[str, Any]) -> list[str]:
    """Every problem botocore's model finds with `params` for `service`.`operation`; [] when valid."""
    model = operation_model(service, operation)
    input_shape = model.input_shape
    assert input_shape is not None, f"{service}.{operation} takes no input"
    problems: list[str] = []
    report = ParamValidator().validate(params, input_shape)
    if report.has_errors():
        problems.append(report.generate_report())
    _check_shape(input_shape, params, operation, problems)
    return problems
