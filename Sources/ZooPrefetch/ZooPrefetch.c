// ZooPrefetch is header-only (include/ZooPrefetch.h); SwiftPM wants one source file per C target.
#include "ZooPrefetch.h"
