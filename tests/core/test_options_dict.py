"""LossOptions.to_dict / from_dict: the one plain form of the options (settings file, recovery
files, JSON), round-tripped for every field."""

from __future__ import annotations

import json

import pytest

from bce_gui.core.loss import OPTION_KEYS, LossOptions, OptionsError
from bce_gui.core.policies import make_policy

EVERY_FIELD = [
    LossOptions(),
    LossOptions(policy=make_policy("sklearn")),
    LossOptions(policy=make_policy("torch"), logits=True, pos_weight=3.0),
    LossOptions(policy=make_policy("keras"), label_smoothing=0.1, reduction="sum"),
    LossOptions(policy=make_policy("custom", 1e-4), soft_labels=True, reduction="weighted-mean"),
    LossOptions(policy=make_policy("sklearn"), renormalize=True),
    LossOptions(policy=make_policy("exact"), logits=True, pos_weight=0.1, label_smoothing=0.05,
                soft_labels=True, reduction="mean"),
]


@pytest.mark.parametrize("options", EVERY_FIELD, ids=lambda o: o.policy.name)
def test_round_trip(options):
    plain = options.to_dict()
    assert tuple(plain) == OPTION_KEYS
    assert LossOptions.from_dict(plain) == options
    assert LossOptions.from_dict(json.loads(json.dumps(plain))) == options  # a recovery file


@pytest.mark.parametrize("options", EVERY_FIELD, ids=lambda o: o.policy.name)
def test_round_trip_through_text_as_a_settings_file_keeps_it(options):
    # An ini file gives every value back as text: "true", "0.1", "" for None.
    def text(v):
        return "" if v is None else ("true" if v is True else "false" if v is False else repr(v) if
                                     isinstance(v, float) else str(v))

    assert LossOptions.from_dict({k: text(v) for k, v in options.to_dict().items()}) == options


def test_every_field_is_in_the_dict():
    o = LossOptions(policy=make_policy("custom", 0.001), logits=True, label_smoothing=0.2,
                    pos_weight=2.5, soft_labels=True, reduction="sum", renormalize=True)
    assert o.to_dict() == {"policy": "custom", "eps": 0.001, "logits": True, "label_smoothing": 0.2,
                           "pos_weight": 2.5, "soft_labels": True, "reduction": "sum",
                           "renormalize": True}


def test_missing_keys_take_the_defaults_and_eps_counts_for_custom_only():
    assert LossOptions.from_dict({}) == LossOptions()
    assert LossOptions.from_dict({"policy": "sklearn", "eps": 0.25}) == LossOptions(policy=make_policy("sklearn"))
    assert LossOptions.from_dict({"policy": "keras", "eps": None}).policy.eps == 1e-7


@pytest.mark.parametrize("bad", [
    {"policy": "bananas"},
    {"policy": "custom"},  # no epsilon
    {"policy": "custom", "eps": "tiny"},
    {"logits": "maybe"},
    {"label_smoothing": "lots"},
    {"label_smoothing": 2.0},
    {"pos_weight": 3.0},  # pos_weight without logits
    {"logits": True, "pos_weight": -1},
    {"reduction": "median"},
])
def test_unreadable_values_raise_one_error_type(bad):
    with pytest.raises(OptionsError):
        LossOptions.from_dict(bad)
