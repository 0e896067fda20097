#!/usr/bin/env python3
"""Writes the malformed ONNX inputs the frontend's bad-input tests read.

Run from the repository root: /usr/bin/python3 testdata/onnx_bad/make_bad_models.py
Needs Debian's python3-onnx only. Outputs are committed next to this script.
"""
import os

import onnx
from onnx import TensorProto, helper

HERE = os.path.dirname(os.path.abspath(__file__))


def save(model, name):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(model.SerializeToString())


def vi(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)


# A model with an op imcc does not support (NonZero).
save(helper.make_model(helper.make_graph(
    [helper.make_node("Relu", ["x"], ["r"], name="relu0"),
     helper.make_node("NonZero", ["r"], ["y"], name="nz0")],
    "unsupported", [vi("x", [2, 3])],
    [helper.make_tensor_value_info("y", TensorProto.INT64, [2, "n"])]),
    opset_imports=[helper.make_opsetid("", 13)]), "unsupported_op.onnx")

# A graph whose nodes form a cycle (a -> b -> a).
save(helper.make_model(helper.make_graph(
    [helper.make_node("Add", ["x", "b"], ["a"], name="add0"),
     helper.make_node("Relu", ["a"], ["b"], name="relu0")],
    "cycle", [vi("x", [4])], [vi("b", [4])]),
    opset_imports=[helper.make_opsetid("", 13)]), "cycle.onnx")

# A node reading a tensor nothing defines.
save(helper.make_model(helper.make_graph(
    [helper.make_node("Add", ["x", "ghost"], ["y"], name="add0")],
    "dangling", [vi("x", [4])], [vi("y", [4])]),
    opset_imports=[helper.make_opsetid("", 13)]), "dangling_input.onnx")

# A symbolic batch dimension.
save(helper.make_model(helper.make_graph(
    [helper.make_node("Relu", ["x"], ["y"], name="relu0")],
    "symbolic", [vi("x", ["batch", 4])], [vi("y", ["batch", 4])]),
    opset_imports=[helper.make_opsetid("", 13)]), "symbolic_dim.onnx")

# A text file with an .onnx name.
with open(os.path.join(HERE, "text_file.onnx"), "w") as f:
    f.write("this is not an ONNX model\n")

# An empty file.
open(os.path.join(HERE, "empty.onnx"), "wb").close()

# A real model cut in half.
src = os.path.join(HERE, "..", "models", "tiny", "tiny_cnn.onnx")
with open(src, "rb") as f:
    data = f.read()
with open(os.path.join(HERE, "truncated.onnx"), "wb") as f:
    f.write(data[: len(data) // 2])
