#include "ember_gzip.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static void set_message(char *message, size_t capacity, const char *text) {
    if (capacity == 0) return;
    strncpy(message, text ? text : "", capacity - 1);
    message[capacity - 1] = '\0';
}

int ember_gunzip(const unsigned char *data, size_t length, unsigned char **out, size_t *out_length,
                 char *message, size_t message_capacity) {
    *out = NULL;
    *out_length = 0;
    set_message(message, message_capacity, "");
    if (length < 2 || data[0] != 0x1f || data[1] != 0x8b) {
        set_message(message, message_capacity, "not gzip data (missing the 1f 8b signature)");
        return EMBER_GZIP_CORRUPT;
    }
    z_stream stream;
    memset(&stream, 0, sizeof stream);
    // 16 + MAX_WBITS: a gzip wrapper, whose CRC-32 and length zlib checks at the end of each member.
    if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK) {
        set_message(message, message_capacity, "inflateInit2 failed");
        return EMBER_GZIP_NO_MEMORY;
    }
    size_t capacity = length * 4 + 1024, produced = 0;
    unsigned char *buffer = malloc(capacity);
    if (!buffer) {
        inflateEnd(&stream);
        return EMBER_GZIP_NO_MEMORY;
    }
    const unsigned char *next = data;
    size_t remaining = length;
    int status = EMBER_GZIP_OK;
    for (;;) {
        if (produced == capacity) {
            size_t grown = capacity * 2;
            unsigned char *bigger = realloc(buffer, grown);
            if (!bigger) { status = EMBER_GZIP_NO_MEMORY; break; }
            buffer = bigger;
            capacity = grown;
        }
        // zlib counts in uInt: feed and drain at most 1 GiB per call.
        size_t in_chunk = remaining < (1u << 30) ? remaining : (1u << 30);
        size_t out_chunk = capacity - produced < (1u << 30) ? capacity - produced : (1u << 30);
        stream.next_in = (Bytef *)next;
        stream.avail_in = (uInt)in_chunk;
        stream.next_out = buffer + produced;
        stream.avail_out = (uInt)out_chunk;
        int result = inflate(&stream, Z_NO_FLUSH);
        size_t consumed = in_chunk - stream.avail_in;
        next += consumed;
        remaining -= consumed;
        produced += out_chunk - stream.avail_out;
        if (result == Z_STREAM_END) {
            // Another member may follow (concatenated gzip files); trailing zero padding is ignored, as Python does.
            while (remaining > 0 && *next == 0) { next++; remaining--; }
            if (remaining == 0) break;
            if (inflateReset(&stream) != Z_OK) { status = EMBER_GZIP_CORRUPT; break; }
            continue;
        }
        if (result == Z_DATA_ERROR || result == Z_NEED_DICT || result == Z_STREAM_ERROR) {
            set_message(message, message_capacity, stream.msg ? stream.msg : "invalid deflate data");
            status = EMBER_GZIP_CORRUPT;
            break;
        }
        if (result == Z_MEM_ERROR) { status = EMBER_GZIP_NO_MEMORY; break; }
        if (result == Z_BUF_ERROR || result == Z_OK) {
            // No progress possible: all input consumed while the output still had room.
            if (remaining == 0 && stream.avail_out > 0) {
                set_message(message, message_capacity, "the compressed stream ends early");
                status = EMBER_GZIP_TRUNCATED;
                break;
            }
        }
    }
    inflateEnd(&stream);
    if (status != EMBER_GZIP_OK) {
        free(buffer);
        return status;
    }
    *out = buffer;
    *out_length = produced;
    return EMBER_GZIP_OK;
}
