"""Compiler and linker flags for every imcc target, defined in one place."""

IMCC_COPTS = [
    "-Wall",
    "-Wextra",
    "-Wno-unused-parameter",
    "-Wno-sign-compare",
    "-Wno-missing-field-initializers",
]

IMCC_TEST_COPTS = IMCC_COPTS

# Plugin code is compiled with hidden visibility; only IMCC_GetPluginApi is
# marked visible (IMCC_PLUGIN_EXPORT).
IMCC_PLUGIN_COPTS = IMCC_COPTS + ["-fvisibility=hidden", "-fvisibility-inlines-hidden"]

# -z,defs: an undefined symbol is a link error, never a load-time surprise.
IMCC_PLUGIN_LINKOPTS = ["-Wl,-z,defs", "-Wl,--no-undefined"]
