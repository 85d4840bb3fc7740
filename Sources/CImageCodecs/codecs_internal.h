#ifndef TABBY_CODECS_INTERNAL_H
#define TABBY_CODECS_INTERNAL_H
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

// Copies a formatted message into the caller's buffer (truncating, always terminated).
static inline void tabby_set_message(char *message, size_t size, const char *format, ...) {
  if (message == NULL || size == 0) return;
  va_list args;
  va_start(args, format);
  vsnprintf(message, size, format, args);
  va_end(args);
}
#endif
