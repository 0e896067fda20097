/* Compiled as strict C99: the ABI header must stay plain C. */
#include "plugins/abi/imcc_plugin.h"

size_t ImccC99CheckPluginApiSize(void) { return IMCC_PluginApi_STRUCT_SIZE; }
