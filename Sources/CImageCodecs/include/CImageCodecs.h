#ifndef TABBY_CIMAGECODECS_H
#define TABBY_CIMAGECODECS_H
// Placeholder: the JPEG/PNG shim lands with the [models] work.
int tabby_codecs_version(void);
#endif
