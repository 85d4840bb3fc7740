#include "CImageCodecs.h"
int tabby_codecs_version(void) { return 1; }
