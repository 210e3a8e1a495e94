// JPEG through libjpeg-turbo's libjpeg API. libjpeg's default error_exit calls exit(); here it
// longjmps back into the decoder, which reports a status instead. CMYK/YCCK images are converted to
// RGB or gray the way torchvision does (libjpeg cannot), and the EXIF orientation tag is read from
// the APP1 segment when asked for.
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>

#include "ember_image.h"

typedef struct jpeg_failure {
    struct jpeg_error_mgr manager;
    jmp_buf jump;
    int truncated;
    char message[JMSG_LENGTH_MAX];
} jpeg_failure;

static void on_jpeg_error(j_common_ptr info) {
    jpeg_failure *f = (jpeg_failure *)info->err;
    (*info->err->format_message)(info, f->message);
    longjmp(f->jump, 1);
}

// libjpeg-turbo only warns on premature end of data and pads with gray; torchvision's source
// manager treats running out of input as an error, and so does this one.
static void on_jpeg_message(j_common_ptr info, int level) {
    if (level < 0 && info->err->msg_code == JWRN_JPEG_EOF) {
        jpeg_failure *f = (jpeg_failure *)info->err;
        f->truncated = 1;
        snprintf(f->message, sizeof f->message, "the file ends before the image data does (truncated)");
        longjmp(f->jump, 1);
    }
}

// Pillow's and torchvision's integer CMYK to RGB: each channel is k * (1 - cmy) with rounding.
static inline uint8_t cmyk_channel(int k, int inverted_cmy) {
    int v = k * inverted_cmy + 128;
    v = ((v >> 8) + v) >> 8;
    int r = k - v;
    return (uint8_t)(r < 0 ? 0 : (r > 255 ? 255 : r));
}

static void cmyk_row(const uint8_t *cmyk, uint8_t *target, int width, int channels) {
    for (int i = 0; i < width; i++) {
        int c = cmyk[4 * i], m = cmyk[4 * i + 1], y = cmyk[4 * i + 2], k = cmyk[4 * i + 3];
        int r = cmyk_channel(k, 255 - c), g = cmyk_channel(k, 255 - m), b = cmyk_channel(k, 255 - y);
        if (channels == 3) {
            target[3 * i] = (uint8_t)r;
            target[3 * i + 1] = (uint8_t)g;
            target[3 * i + 2] = (uint8_t)b;
        } else {
            target[i] = (uint8_t)((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16);
        }
    }
}

static unsigned read16(const uint8_t *p, int little) {
    return little ? (unsigned)(p[0] | (p[1] << 8)) : (unsigned)((p[0] << 8) | p[1]);
}

static unsigned long read32(const uint8_t *p, int little) {
    return little ? ((unsigned long)p[0] | ((unsigned long)p[1] << 8) | ((unsigned long)p[2] << 16) |
                     ((unsigned long)p[3] << 24))
                  : (((unsigned long)p[0] << 24) | ((unsigned long)p[1] << 16) | ((unsigned long)p[2] << 8) |
                     (unsigned long)p[3]);
}

// The Orientation tag (0x0112) of IFD0 in an "Exif\0\0" APP1 payload, or -1.
static int exif_orientation(const uint8_t *p, size_t n) {
    if (n < 14 || memcmp(p, "Exif\0\0", 6) != 0) return -1;
    const uint8_t *tiff = p + 6;
    size_t size = n - 6;
    int little;
    if (tiff[0] == 'I' && tiff[1] == 'I') little = 1;
    else if (tiff[0] == 'M' && tiff[1] == 'M') little = 0;
    else return -1;
    if (read16(tiff + 2, little) != 42) return -1;
    unsigned long ifd = read32(tiff + 4, little);
    if (ifd + 2 > size) return -1;
    unsigned count = read16(tiff + ifd, little);
    for (unsigned i = 0; i < count; i++) {
        size_t entry = ifd + 2 + 12 * (size_t)i;
        if (entry + 12 > size) return -1;
        if (read16(tiff + entry, little) == 0x0112) {
            unsigned type = read16(tiff + entry + 2, little);
            if (type != 3) return -1;  // SHORT
            unsigned value = read16(tiff + entry + 8, little);
            return value >= 1 && value <= 8 ? (int)value : -1;
        }
    }
    return -1;
}

typedef struct jpeg_session {
    struct jpeg_decompress_struct info;
    jpeg_failure failure;
    uint8_t *pixels;
    uint8_t *cmyk_line;
} jpeg_session;

void ember_jpeg_decode(const uint8_t *data, size_t size, int32_t mode, uint64_t max_pixels, int32_t read_exif,
                       ember_allocate_fn allocate, void *context, ember_decoded *out) {
    memset(out, 0, sizeof *out);
    out->exif_orientation = -1;
    if (size < 3 || data[0] != 0xFF || data[1] != 0xD8) {
        out->status = EMBER_IMAGE_CORRUPT;
        snprintf(out->message, sizeof out->message, "not a JPEG file (bad SOI marker)");
        return;
    }
    jpeg_session *s = calloc(1, sizeof *s);
    if (!s) {
        out->status = EMBER_IMAGE_OUT_OF_MEMORY;
        return;
    }
    s->info.err = jpeg_std_error(&s->failure.manager);
    s->failure.manager.error_exit = on_jpeg_error;
    s->failure.manager.emit_message = on_jpeg_message;
    if (setjmp(s->failure.jump)) {
        out->status = s->failure.truncated ? EMBER_IMAGE_TRUNCATED : EMBER_IMAGE_CORRUPT;
        snprintf(out->message, sizeof out->message, "%s", s->failure.message);
        jpeg_destroy_decompress(&s->info);
        out->pixels = s->pixels;
        free(s->cmyk_line);
        free(s);
        return;
    }
    jpeg_create_decompress(&s->info);
    jpeg_mem_src(&s->info, data, (unsigned long)size);
    if (read_exif) jpeg_save_markers(&s->info, JPEG_APP0 + 1, 0xFFFF);
    jpeg_read_header(&s->info, TRUE);

    if (max_pixels && (uint64_t)s->info.image_width * s->info.image_height > max_pixels) {
        out->status = EMBER_IMAGE_TOO_LARGE;
        out->width = (int32_t)s->info.image_width;
        out->height = (int32_t)s->info.image_height;
        snprintf(out->message, sizeof out->message, "%ux%u pixels exceed the limit of %llu",
                 (unsigned)s->info.image_width, (unsigned)s->info.image_height, (unsigned long long)max_pixels);
        jpeg_destroy_decompress(&s->info);
        free(s);
        return;
    }
    int channels = s->info.num_components;
    int convert_cmyk = 0;
    int is_cmyk = s->info.jpeg_color_space == JCS_CMYK || s->info.jpeg_color_space == JCS_YCCK;
    if (mode == EMBER_MODE_GRAY || mode == EMBER_MODE_RGB) {
        if (is_cmyk) {
            s->info.out_color_space = JCS_CMYK;
            convert_cmyk = 1;
        } else {
            s->info.out_color_space = mode == EMBER_MODE_GRAY ? JCS_GRAYSCALE : JCS_RGB;
        }
        channels = mode == EMBER_MODE_GRAY ? 1 : 3;
    } else if (mode != EMBER_MODE_UNCHANGED) {
        out->status = EMBER_IMAGE_UNSUPPORTED;
        snprintf(out->message, sizeof out->message,
                 "JPEG has no alpha channel: read modes grayAlpha and rgbAlpha are not supported");
        jpeg_destroy_decompress(&s->info);
        free(s);
        return;
    }
    if (read_exif) {
        for (jpeg_saved_marker_ptr m = s->info.marker_list; m; m = m->next) {
            if (m->marker == JPEG_APP0 + 1) {
                int o = exif_orientation(m->data, m->data_length);
                if (o > 0) {
                    out->exif_orientation = o;
                    break;
                }
            }
        }
    }
    jpeg_start_decompress(&s->info);
    int width = (int)s->info.output_width, height = (int)s->info.output_height;
    size_t stride = (size_t)width * (size_t)channels;
    s->pixels = allocate(context, height, width, channels, 1);
    if (convert_cmyk) s->cmyk_line = malloc((size_t)width * 4);
    if (!s->pixels || (convert_cmyk && !s->cmyk_line)) {
        s->failure.truncated = 0;
        snprintf(s->failure.message, sizeof s->failure.message, "out of memory for the decoded image");
        longjmp(s->failure.jump, 1);
    }
    while (s->info.output_scanline < s->info.output_height) {
        uint8_t *row = s->pixels + stride * s->info.output_scanline;
        if (convert_cmyk) {
            JSAMPROW line = s->cmyk_line;
            jpeg_read_scanlines(&s->info, &line, 1);
            cmyk_row(s->cmyk_line, row, width, channels);
        } else {
            // Several rows per call lets libjpeg-turbo use its fused upsampling + color conversion.
            JSAMPROW rows[8];
            JDIMENSION left = s->info.output_height - s->info.output_scanline;
            int n = left < 8 ? (int)left : 8;
            for (int i = 0; i < n; i++) rows[i] = row + stride * (size_t)i;
            jpeg_read_scanlines(&s->info, rows, (JDIMENSION)n);
        }
    }
    jpeg_finish_decompress(&s->info);
    jpeg_destroy_decompress(&s->info);
    out->pixels = s->pixels;
    out->height = height;
    out->width = width;
    out->channels = channels;
    out->bytes_per_sample = 1;
    out->status = EMBER_IMAGE_OK;
    free(s->cmyk_line);
    free(s);
}

typedef struct jpeg_encode_session {
    struct jpeg_compress_struct info;
    jpeg_failure failure;
    unsigned char *bytes;
    unsigned long size;
} jpeg_encode_session;

void ember_jpeg_encode(const uint8_t *hwc, int32_t height, int32_t width, int32_t channels, int32_t quality,
                       ember_encoded *out) {
    memset(out, 0, sizeof *out);
    jpeg_encode_session *s = calloc(1, sizeof *s);
    if (!s) {
        out->status = EMBER_IMAGE_OUT_OF_MEMORY;
        return;
    }
    s->info.err = jpeg_std_error(&s->failure.manager);
    s->failure.manager.error_exit = on_jpeg_error;
    if (setjmp(s->failure.jump)) {
        out->status = EMBER_IMAGE_CORRUPT;
        snprintf(out->message, sizeof out->message, "%s", s->failure.message);
        jpeg_destroy_compress(&s->info);
        free(s->bytes);
        free(s);
        return;
    }
    jpeg_create_compress(&s->info);
    jpeg_mem_dest(&s->info, &s->bytes, &s->size);
    s->info.image_width = (JDIMENSION)width;
    s->info.image_height = (JDIMENSION)height;
    s->info.input_components = channels;
    s->info.in_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(&s->info);
    jpeg_set_quality(&s->info, quality, TRUE);
    jpeg_start_compress(&s->info, TRUE);
    size_t stride = (size_t)width * (size_t)channels;
    while (s->info.next_scanline < s->info.image_height) {
        JSAMPROW row = (JSAMPROW)(hwc + stride * s->info.next_scanline);
        jpeg_write_scanlines(&s->info, &row, 1);
    }
    jpeg_finish_compress(&s->info);
    jpeg_destroy_compress(&s->info);
    out->bytes = s->bytes;
    out->size = (size_t)s->size;
    out->status = EMBER_IMAGE_OK;
    free(s);
}

int32_t ember_libjpeg_version(void) { return JPEG_LIB_VERSION; }
