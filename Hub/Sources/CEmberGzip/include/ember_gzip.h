#ifndef EMBER_GZIP_H
#define EMBER_GZIP_H

#include <stddef.h>

/// Results of ember_gunzip.
enum {
    EMBER_GZIP_OK = 0,
    /// The data ends before the last gzip member does.
    EMBER_GZIP_TRUNCATED = 1,
    /// Not gzip data, a bad deflate stream, or a CRC/length check failed (message says which).
    EMBER_GZIP_CORRUPT = 2,
    /// The output buffer could not be grown.
    EMBER_GZIP_NO_MEMORY = 3,
};

/// Decompresses a whole gzip file (every member, as Python's gzip module reads them) with zlib.
/// On success `*out` is a malloc'd buffer of `*out_length` bytes that the caller frees; on
/// failure `*out` is NULL and `message` holds zlib's reason (NUL-terminated, truncated to fit).
/// zlib's header is kept out of this header so that no Swift module sees two copies of it.
int ember_gunzip(const unsigned char *data, size_t length, unsigned char **out, size_t *out_length,
                 char *message, size_t message_capacity);

#endif
