#!/usr/bin/env python3
"""Exports the real architectures imcc's tests and benchmarks use to ONNX.

Runs offline from Debian's python3-torchvision / python3-onnx (random weights:
torchvision's constructors are called with weights=None, so nothing is
downloaded). Every model is seeded, exported at opset 13 with a static batch
of 1, checked with onnx.checker, and then written *weight-stripped*: each
initializer keeps its name, dtype and dims but its data moves to external
storage that is not committed (data_location=EXTERNAL, location
"<model>.weights.bin"). imcc's ONNX frontend imports such initializers as
shape-only weights. The tiny models in tiny/ keep their weights.

Usage: tools/scripts/export_testdata.sh  (installs the Python packages first)
   or: /usr/bin/python3 testdata/models/export_models.py OUT_DIR [NAME...]
"""
import os
import sys

import onnx
import torch
import torchvision

# name -> (constructor, input shape)
TORCHVISION = {
    "alexnet": (lambda: torchvision.models.alexnet(), (1, 3, 224, 224)),
    "googlenet": (lambda: torchvision.models.googlenet(aux_logits=False, init_weights=True), (1, 3, 224, 224)),
    "mobilenet_v2": (lambda: torchvision.models.mobilenet_v2(), (1, 3, 224, 224)),
    "resnet18": (lambda: torchvision.models.resnet18(), (1, 3, 224, 224)),
    "resnet50": (lambda: torchvision.models.resnet50(), (1, 3, 224, 224)),
    "squeezenet1_0": (lambda: torchvision.models.squeezenet1_0(), (1, 3, 224, 224)),
    "vgg16": (lambda: torchvision.models.vgg16(), (1, 3, 224, 224)),
    "vit_b_16": (lambda: torchvision.models.vit_b_16(), (1, 3, 224, 224)),
}


class BertBlock(torch.nn.Module):
    """One BERT-base encoder layer (post-LN, GELU) on a 128-token sequence."""

    def __init__(self, d=768, heads=12, ff=3072):
        super().__init__()
        self.layer = torch.nn.TransformerEncoderLayer(
            d, heads, ff, dropout=0.0, activation="gelu", batch_first=True)

    def forward(self, x):
        return self.layer(x)


class TinyCnn(torch.nn.Module):
    """Conv-BN-ReLU, depthwise conv, residual add, pool and a classifier."""

    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(3, 8, 3, padding=1)
        self.bn1 = torch.nn.BatchNorm2d(8)
        self.dw = torch.nn.Conv2d(8, 8, 3, padding=1, groups=8)
        self.pw = torch.nn.Conv2d(8, 8, 1)
        self.pool = torch.nn.MaxPool2d(2)
        self.fc = torch.nn.Linear(8 * 4 * 4, 10)

    def forward(self, x):
        y = torch.relu(self.bn1(self.conv1(x)))
        y = y + self.pw(torch.relu(self.dw(y)))
        y = self.pool(y)
        return self.fc(torch.flatten(y, 1))


class TinyMlp(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = torch.nn.Linear(16, 32)
        self.fc2 = torch.nn.Linear(32, 4)

    def forward(self, x):
        return torch.softmax(self.fc2(torch.nn.functional.gelu(self.fc1(x))), -1)


TINY = {
    "tiny_cnn": (TinyCnn, (1, 3, 8, 8)),
    "tiny_mlp": (TinyMlp, (2, 16)),
}


def export(model, shape, path):
    torch.manual_seed(0)
    model.eval()
    x = torch.randn(*shape)
    torch.onnx.export(model, x, path, opset_version=13, input_names=["input"],
                      output_names=["output"], do_constant_folding=True)
    onnx.checker.check_model(onnx.load(path))
    return x, model(x).detach()


def write_tensor(t, path, name):
    """Writes a torch tensor as an ONNX TensorProto file (like ONNX test data)."""
    from onnx import numpy_helper
    with open(path, "wb") as f:
        f.write(numpy_helper.from_array(t.numpy(), name).SerializeToString())


def strip_weights(path):
    """Moves every initializer's data out of the file (not kept)."""
    m = onnx.load(path)
    base = os.path.basename(path)[:-len(".onnx")] + ".weights.bin"
    for t in m.graph.initializer:
        t.ClearField("raw_data")
        for f in ("float_data", "int32_data", "int64_data", "double_data"):
            t.ClearField(f)
        t.data_location = onnx.TensorProto.EXTERNAL
        del t.external_data[:]
        for k, v in (("location", base),):
            e = t.external_data.add()
            e.key, e.value = k, v
    onnx.save(m, path)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    names = sys.argv[2:] or (list(TORCHVISION) + ["bert_block"] + list(TINY) + ["image_224"])
    os.makedirs(os.path.join(out, "tiny"), exist_ok=True)
    for name in names:
        torch.manual_seed(0)
        if name in TORCHVISION:
            ctor, shape = TORCHVISION[name]
            path = os.path.join(out, name + ".onnx")
            export(ctor(), shape, path)
            strip_weights(path)
        elif name == "bert_block":
            path = os.path.join(out, name + ".onnx")
            export(BertBlock(), (1, 128, 768), path)
            strip_weights(path)
        elif name == "image_224":
            # A seeded 1x3x224x224 input for functional runs of the
            # weight-stripped ImageNet models (with --fill-weights).
            path = os.path.join(out, "inputs", "image_224_input_0.pb")
            os.makedirs(os.path.dirname(path), exist_ok=True)
            write_tensor(torch.randn(1, 3, 224, 224), path, "input")
        elif name in TINY:
            ctor, shape = TINY[name]
            path = os.path.join(out, "tiny", name + ".onnx")
            x, y = export(ctor(), shape, path)
            # PyTorch's own output for the seeded input: an external check
            # for --verify/--expect.
            write_tensor(x, os.path.join(out, "tiny", name + "_input_0.pb"), "input")
            write_tensor(y, os.path.join(out, "tiny", name + "_output_0.pb"), "output")
        else:
            sys.exit("unknown model: " + name)
        print("wrote", path, os.path.getsize(path), "bytes")


if __name__ == "__main__":
    main()
