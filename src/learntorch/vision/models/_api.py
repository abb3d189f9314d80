"""The model registry and pretrained-weight enums (``torchvision.models`` API, note 004).

Each builder (``resnet18``, ``vgg11``, ...) is registered by name; each has an Enum of
:class:`Weights` (``ResNet18_Weights.IMAGENET1K_V1``, ``.DEFAULT``) with the download
``url`` (its file name ends in ``-<first 8 hex digits of the file's sha256>.pth``),
``meta`` (categories, num_params, metrics) and ``transforms()`` (the preprocessing
the weights were trained with).

>>> from learntorch.vision import models
>>> "resnet18" in models.list_models()
True
>>> w = models.get_weight("ResNet18_Weights.IMAGENET1K_V1")
>>> w, w.meta["num_params"], w.url.rsplit("/", 1)[1]
(ResNet18_Weights.IMAGENET1K_V1, 11689512, 'resnet18-f37072fd.pth')
>>> models.get_model_weights("resnet18").DEFAULT is w
True
"""

from __future__ import annotations

import fnmatch
import functools
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from ...nn.modules.module import Module

__all__ = ["Weights", "WeightsEnum", "register_model", "list_models", "get_model_builder", "get_model",
           "get_weight", "get_model_weights"]  # fmt: skip


@dataclass
class Weights:
    """Where pretrained weights live and how to use them."""

    url: str
    transforms: Callable
    meta: dict[str, Any] = field(default_factory=dict)


class WeightsEnum(Enum):
    """Base of ``<Model>_Weights`` enums: members hold :class:`Weights`; ``DEFAULT`` is an alias."""

    @classmethod
    def verify(cls, obj: Any) -> Any:
        """Accept a member, its name (``"IMAGENET1K_V1"`` or ``"ResNet18_Weights.IMAGENET1K_V1"``) or None."""
        if obj is None:
            return None
        if isinstance(obj, str):
            key = obj.replace(cls.__name__ + ".", "")
            try:
                return cls[key]
            except KeyError:
                raise KeyError(f"{key!r}\nhint: {cls.__name__} has {', '.join(cls.__members__)}") from None
        if not isinstance(obj, cls):
            raise TypeError(
                f"Invalid Weight class provided; expected {cls.__name__} but received {type(obj).__name__}."
            )
        return obj

    def get_state_dict(self, *args: Any, **kwargs: Any) -> dict:
        """Download (or read from the hub cache) and load the state_dict; see ``hub.load_state_dict_from_url``."""
        from ... import hub  # noqa: PLC0415

        return hub.load_state_dict_from_url(self.url, *args, **kwargs)

    def __repr__(self) -> str:
        return f"{type(self).__name__}.{self._name_}"

    @property
    def url(self) -> str:
        return self.value.url

    @property
    def transforms(self) -> Callable:
        return self.value.transforms

    @property
    def meta(self) -> dict[str, Any]:
        return self.value.meta


BUILTIN_MODELS: dict[str, Callable[..., Module]] = {}
_WEIGHTS_OF: dict[str, type[WeightsEnum] | None] = {}
_WEIGHT_ENUMS: dict[str, type[WeightsEnum]] = {}


def register_model(name: str | None = None, weights: type[WeightsEnum] | None = None) -> Callable:
    """Decorator adding a builder to the registry (and ``pretrained=True`` as a legacy alias of ``weights``)."""

    def wrapper(fn: Callable[..., Module]) -> Callable[..., Module]:
        key = name if name is not None else fn.__name__
        if key in BUILTIN_MODELS:
            raise ValueError(f"An entry is already registered under the name '{key}'.")

        @functools.wraps(fn)
        def builder(*args: Any, **kwargs: Any) -> Module:
            if "pretrained" in kwargs:
                pretrained = kwargs.pop("pretrained")
                warnings.warn(
                    "The parameter 'pretrained' is deprecated, please use 'weights' instead.",
                    UserWarning,
                    stacklevel=2,
                )
                if pretrained and weights is not None and kwargs.get("weights") is None:
                    kwargs["weights"] = next(iter(weights))
            return fn(*args, **kwargs)

        BUILTIN_MODELS[key] = builder
        _WEIGHTS_OF[key] = weights
        if weights is not None:
            _WEIGHT_ENUMS[weights.__name__] = weights
        return builder

    return wrapper


def list_models(module: Any = None, include: Any = None, exclude: Any = None) -> list[str]:
    """Sorted registered names, optionally filtered by fnmatch patterns (``include="resnet*"``)."""
    names = [
        k
        for k, v in BUILTIN_MODELS.items()
        if module is None or v.__module__.rsplit(".", 1)[0] == module.__name__
    ]
    if include:
        pats = [include] if isinstance(include, str) else include
        names = [n for n in names if any(fnmatch.fnmatch(n, p) for p in pats)]
    if exclude:
        pats = [exclude] if isinstance(exclude, str) else exclude
        names = [n for n in names if not any(fnmatch.fnmatch(n, p) for p in pats)]
    return sorted(names)


def get_model_builder(name: str) -> Callable[..., Module]:
    """The builder function registered as ``name``."""
    name = name.lower()
    try:
        return BUILTIN_MODELS[name]
    except KeyError:
        raise ValueError(
            f"Unknown model {name}\nhint: models.list_models() shows the registered names."
        ) from None


def get_model(name: str, **config: Any) -> Module:
    """Build the model ``name``; ``config`` goes to the builder (``weights=``, ``num_classes=``, ...)."""
    return get_model_builder(name)(**config)


def get_weight(name: str) -> WeightsEnum:
    """The weights member named ``"<Enum>.<MEMBER>"``, e.g. ``"ResNet50_Weights.IMAGENET1K_V2"``."""
    try:
        enum_name, value_name = name.split(".")
    except ValueError:
        raise ValueError(f"Invalid weight name provided: '{name}'.") from None
    if enum_name not in _WEIGHT_ENUMS:
        raise ValueError(f"The weight enum '{enum_name}' for the specific method couldn't be retrieved.")
    return _WEIGHT_ENUMS[enum_name][value_name]


def get_model_weights(name: str | Callable) -> type[WeightsEnum]:
    """The weights Enum of a builder (given by name or as the function)."""
    key = name if isinstance(name, str) else next((k for k, v in BUILTIN_MODELS.items() if v is name), None)
    if key is None or key not in _WEIGHTS_OF:
        raise ValueError(f"Unknown model {name}")
    weights = _WEIGHTS_OF[key]
    if weights is None:
        raise ValueError(f"The model {key} has no pretrained weights.")
    return weights


def _ovewrite_named_param(kwargs: dict[str, Any], param: str, new_value: Any) -> None:
    if param in kwargs:
        if kwargs[param] != new_value:
            raise ValueError(
                f"The parameter '{param}' expected value {new_value} but got {kwargs[param]} instead."
            )
    else:
        kwargs[param] = new_value


def _load_weights(build: Callable[[], Module], weights: WeightsEnum | None, progress: bool) -> Module:
    """Fetch the weights first (so a failed download fails before the slow random init), then build and load."""
    state = None if weights is None else weights.get_state_dict(progress=progress, check_hash=True)
    model = build()
    if state is not None:
        model.load_state_dict(state)
    return model
