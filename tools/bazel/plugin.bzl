"""imcc_plugin(): the one way to build an imcc plugin .so (STYLE.md B3).

Produces lib<name>_plugin.so exporting exactly IMCC_GetPluginApi (hidden
visibility + version script, -z defs) and <name>_plugin_conformance_test,
which loads the real .so and runs plugins/testing's conformance suite on it
(table, version, struct sizes, error round-trip, NULL-safe destroys, old
struct sizes, and `nm -D --defined-only` = exactly one symbol).
"""

load("//tools/bazel:copts.bzl", "IMCC_PLUGIN_COPTS", "IMCC_PLUGIN_LINKOPTS")

def imcc_plugin(name, srcs, deps = [], visibility = None, conformance = True):
    so = "lib%s_plugin.so" % name
    native.cc_library(
        name = name + "_plugin_entry",
        srcs = srcs,
        copts = IMCC_PLUGIN_COPTS,
        alwayslink = True,  # without it the entry point is dropped (BUILDING-OFFLINE.md 5)
        deps = deps + ["//plugins/abi:imcc_plugin"],
    )
    native.cc_binary(
        name = so,
        linkshared = True,
        linkstatic = True,
        additional_linker_inputs = ["//plugins/abi:exports.lds"],
        linkopts = IMCC_PLUGIN_LINKOPTS + [
            "-Wl,--version-script=$(location //plugins/abi:exports.lds)",
        ],
        deps = [":" + name + "_plugin_entry"],
        visibility = visibility,
    )
    if conformance:
        native.cc_test(
            name = name + "_plugin_conformance_test",
            size = "small",
            args = ["$(rootpath :%s)" % so],
            data = [":" + so],
            deps = ["//plugins/testing:plugin_conformance"],
        )
