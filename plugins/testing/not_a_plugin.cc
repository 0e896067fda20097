// Test fixture: a valid shared object that is not an imcc plugin (it does
// not export IMCC_GetPluginApi).
extern "C" __attribute__((visibility("default"))) int SomethingElse(void) { return 42; }
