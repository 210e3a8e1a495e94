// PNG through libpng's full API: every transformation torchvision applies for a read mode, with
// errors caught by setjmp. State that must survive a longjmp lives in a struct, never in locals.
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ember_image.h"

typedef struct png_session {
    const uint8_t *data;
    size_t size, position;
    int truncated;
    char message[200];
    uint8_t *pixels;
    uint8_t *color;  // RGB(A) rows awaiting conversion to gray, when the mode asks for gray
    png_bytep *rows;
} png_session;

// libpng's rgb_to_gray coefficients for (0.2989, 0.587), in 1/32768ths, as libpng derives them.
enum { GRAY_R = 9794, GRAY_G = 19234, GRAY_B = 32768 - 9794 - 19234 };

// RGB(A) to gray(+alpha) with the arithmetic of libpng's gamma-free path (8-bit truncates, 16-bit
// rounds). Done here rather than by png_set_rgb_to_gray because libpng releases differ in when they
// apply gamma tables to it (1.6.39 does for files without gAMA, 1.6.55 — torchvision's — does not).
static void color_to_gray(const uint8_t *color, uint8_t *gray, size_t pixels, int alpha, int sixteen) {
    int in = alpha ? 4 : 3, out = alpha ? 2 : 1;
    if (sixteen) {
        const uint16_t *c = (const uint16_t *)color;
        uint16_t *g = (uint16_t *)gray;
        for (size_t i = 0; i < pixels; i++) {
            uint32_t v = (GRAY_R * (uint32_t)c[in * i] + GRAY_G * (uint32_t)c[in * i + 1] +
                          GRAY_B * (uint32_t)c[in * i + 2] + 16384) >> 15;
            g[out * i] = (uint16_t)v;
            if (alpha) g[out * i + 1] = c[in * i + 3];
        }
    } else {
        for (size_t i = 0; i < pixels; i++) {
            uint32_t v = (GRAY_R * (uint32_t)color[in * i] + GRAY_G * (uint32_t)color[in * i + 1] +
                          GRAY_B * (uint32_t)color[in * i + 2]) >> 15;
            gray[out * i] = (uint8_t)v;
            if (alpha) gray[out * i + 1] = color[in * i + 3];
        }
    }
}

static void on_png_error(png_structp png, png_const_charp message) {
    png_session *s = (png_session *)png_get_error_ptr(png);
    snprintf(s->message, sizeof s->message, "%s", message);
    png_longjmp(png, 1);
}

static void on_png_warning(png_structp png, png_const_charp message) {
    (void)png;
    (void)message;  // warnings (bad sRGB profiles, ...) do not stop torchvision either
}

static void read_from_memory(png_structp png, png_bytep target, png_size_t length) {
    png_session *s = (png_session *)png_get_io_ptr(png);
    if (length > s->size - s->position) {
        s->truncated = 1;
        png_error(png, "the file ends before the image data does (truncated)");
    }
    memcpy(target, s->data + s->position, length);
    s->position += length;
}

static void fail(ember_decoded *out, int32_t status, const char *message) {
    out->status = status;
    snprintf(out->message, sizeof out->message, "%s", message);
}

// Chooses libpng transformations that give the channel layout of `mode`, the way torchvision does.
// One difference: torchvision treats every palette image as having alpha and so leaves the alpha
// plane unwritten for palettes without tRNS; here such images get an opaque alpha plane.
// A negative result -n means: libpng delivers n colour channels (RGB or RGBA) that the caller
// converts to gray (+alpha).
static int configure_mode(png_structp png, png_infop info, int color_type, int bit_depth, int32_t mode,
                          int channels) {
    if (mode == EMBER_MODE_UNCHANGED) return channels;
    int is_palette = (color_type & PNG_COLOR_MASK_PALETTE) != 0;
    int has_color = (color_type & PNG_COLOR_MASK_COLOR) != 0;
    int has_alpha = (color_type & PNG_COLOR_MASK_ALPHA) != 0;
    int has_trns = is_palette && png_get_valid(png, info, PNG_INFO_tRNS);
    png_uint_32 opaque = (png_uint_32)((1u << bit_depth) - 1u);
    switch (mode) {
    case EMBER_MODE_GRAY:
        if (color_type == PNG_COLOR_TYPE_GRAY) return 1;
        if (is_palette) {
            png_set_palette_to_rgb(png);
            has_alpha = has_trns;
        }
        if (has_alpha) png_set_strip_alpha(png);
        return has_color ? -3 : 1;
    case EMBER_MODE_GRAY_ALPHA:
        if (color_type == PNG_COLOR_TYPE_GRAY_ALPHA) return 2;
        if (is_palette) {
            png_set_palette_to_rgb(png);
            has_alpha = has_trns;
        }
        if (!has_alpha) png_set_add_alpha(png, is_palette ? 255 : opaque, PNG_FILLER_AFTER);
        return has_color ? -4 : 2;
    case EMBER_MODE_RGB:
        if (color_type == PNG_COLOR_TYPE_RGB) return 3;
        if (is_palette) {
            png_set_palette_to_rgb(png);
            has_alpha = has_trns;
        } else if (!has_color) {
            png_set_gray_to_rgb(png);
        }
        if (has_alpha) png_set_strip_alpha(png);
        return 3;
    case EMBER_MODE_RGB_ALPHA:
        if (color_type == PNG_COLOR_TYPE_RGB_ALPHA) return 4;
        if (is_palette) {
            png_set_palette_to_rgb(png);
            has_alpha = has_trns;
        } else if (!has_color) {
            png_set_gray_to_rgb(png);
        }
        if (!has_alpha) png_set_add_alpha(png, is_palette ? 255 : opaque, PNG_FILLER_AFTER);
        return 4;
    default:
        return 0;
    }
}

void ember_png_decode(const uint8_t *data, size_t size, int32_t mode, uint64_t max_pixels,
                      ember_allocate_fn allocate, void *context, ember_decoded *out) {
    memset(out, 0, sizeof *out);
    out->exif_orientation = -1;
    if (size < 8 || png_sig_cmp(data, 0, 8) != 0) {
        fail(out, EMBER_IMAGE_CORRUPT, "not a PNG file (bad signature)");
        return;
    }
    png_session *s = calloc(1, sizeof *s);
    if (!s) {
        fail(out, EMBER_IMAGE_OUT_OF_MEMORY, "out of memory");
        return;
    }
    s->data = data;
    s->size = size;
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, s, on_png_error, on_png_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!png || !info) {
        if (png) png_destroy_read_struct(&png, NULL, NULL);
        free(s);
        fail(out, EMBER_IMAGE_OUT_OF_MEMORY, "libpng could not allocate its structures");
        return;
    }
    if (setjmp(png_jmpbuf(png))) {
        fail(out, s->truncated ? EMBER_IMAGE_TRUNCATED : EMBER_IMAGE_CORRUPT, s->message);
        out->pixels = s->pixels;
        free(s->color);
        free(s->rows);
        png_destroy_read_struct(&png, &info, NULL);
        free(s);
        return;
    }
    png_set_read_fn(png, s, read_from_memory);
    png_read_info(png, info);

    png_uint_32 width, height;
    int bit_depth, color_type, interlace;
    png_get_IHDR(png, info, &width, &height, &bit_depth, &color_type, &interlace, NULL, NULL);
    if (max_pixels && (uint64_t)width * (uint64_t)height > max_pixels) {
        snprintf(s->message, sizeof s->message, "%ux%u pixels exceed the limit of %llu", (unsigned)width,
                 (unsigned)height, (unsigned long long)max_pixels);
        out->status = EMBER_IMAGE_TOO_LARGE;
        out->width = (int32_t)width;
        out->height = (int32_t)height;
        snprintf(out->message, sizeof out->message, "%s", s->message);
        png_destroy_read_struct(&png, &info, NULL);
        free(s);
        return;
    }
    int channels = png_get_channels(png, info);
    if (color_type == PNG_COLOR_TYPE_GRAY && bit_depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    int passes = interlace == PNG_INTERLACE_ADAM7 ? png_set_interlace_handling(png) : 1;
    // Palette indices below 8 bits are unpacked to one byte each (torchvision leaves them packed and
    // returns rows it never fully wrote).
    if (mode == EMBER_MODE_UNCHANGED && color_type == PNG_COLOR_TYPE_PALETTE && bit_depth < 8) png_set_packing(png);
    channels = configure_mode(png, info, color_type, bit_depth, mode, channels);
    if (channels == 0) png_error(png, "unknown read mode");
    int decoded_channels = channels < 0 ? -channels : channels;
    if (channels < 0) channels = -channels - 2;
    if (bit_depth == 16) png_set_swap(png);  // big-endian in the file, native (little) in memory
    png_read_update_info(png, info);

    size_t bytes_per_sample = bit_depth == 16 ? 2 : 1;
    size_t stride = (size_t)width * (size_t)decoded_channels * bytes_per_sample;
    if (png_get_rowbytes(png, info) != stride) png_error(png, "unexpected row size after transformations");
    s->pixels = allocate(context, (int32_t)height, (int32_t)width, channels, (int32_t)bytes_per_sample);
    s->rows = malloc(sizeof(png_bytep) * (height ? height : 1));
    if (decoded_channels != channels) s->color = malloc(stride * height ? stride * height : 1);
    if (!s->pixels || !s->rows || (decoded_channels != channels && !s->color))
        png_error(png, "out of memory for the decoded image");
    uint8_t *target = decoded_channels != channels ? s->color : s->pixels;
    for (png_uint_32 y = 0; y < height; y++) s->rows[y] = target + stride * y;
    for (int pass = 0; pass < passes; pass++)
        for (png_uint_32 y = 0; y < height; y++) png_read_row(png, s->rows[y], NULL);
    png_read_end(png, NULL);
    if (decoded_channels != channels)
        color_to_gray(s->color, s->pixels, (size_t)width * height, decoded_channels == 4, bit_depth == 16);
    free(s->color);

    out->pixels = s->pixels;
    out->height = (int32_t)height;
    out->width = (int32_t)width;
    out->channels = channels;
    out->bytes_per_sample = (int32_t)bytes_per_sample;
    out->status = EMBER_IMAGE_OK;
    free(s->rows);
    png_destroy_read_struct(&png, &info, NULL);
    free(s);
}

typedef struct png_writer {
    uint8_t *bytes;
    size_t size, capacity;
    int failed;
    char message[200];
} png_writer;

static void write_to_memory(png_structp png, png_bytep source, png_size_t length) {
    png_writer *w = (png_writer *)png_get_io_ptr(png);
    if (w->size + length > w->capacity) {
        size_t capacity = w->capacity ? w->capacity : 4096;
        while (capacity < w->size + length) capacity *= 2;
        uint8_t *grown = realloc(w->bytes, capacity);
        if (!grown) png_error(png, "out of memory for the encoded image");
        w->bytes = grown;
        w->capacity = capacity;
    }
    memcpy(w->bytes + w->size, source, length);
    w->size += length;
}

static void flush_nothing(png_structp png) { (void)png; }

static void on_png_write_error(png_structp png, png_const_charp message) {
    png_writer *w = (png_writer *)png_get_error_ptr(png);
    snprintf(w->message, sizeof w->message, "%s", message);
    png_longjmp(png, 1);
}

void ember_png_encode(const uint8_t *hwc, int32_t height, int32_t width, int32_t channels, int32_t level,
                      ember_encoded *out) {
    memset(out, 0, sizeof *out);
    png_writer *w = calloc(1, sizeof *w);
    if (!w) {
        out->status = EMBER_IMAGE_OUT_OF_MEMORY;
        return;
    }
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, w, on_png_write_error, on_png_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!png || !info) {
        if (png) png_destroy_write_struct(&png, NULL);
        free(w);
        out->status = EMBER_IMAGE_OUT_OF_MEMORY;
        return;
    }
    if (setjmp(png_jmpbuf(png))) {
        out->status = EMBER_IMAGE_CORRUPT;
        snprintf(out->message, sizeof out->message, "%s", w->message);
        free(w->bytes);
        png_destroy_write_struct(&png, &info);
        free(w);
        return;
    }
    png_set_write_fn(png, w, write_to_memory, flush_nothing);
    int color_type = channels == 1 ? PNG_COLOR_TYPE_GRAY : PNG_COLOR_TYPE_RGB;
    png_set_IHDR(png, info, (png_uint_32)width, (png_uint_32)height, 8, color_type, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_compression_level(png, level);
    png_write_info(png, info);
    size_t stride = (size_t)width * (size_t)channels;
    for (int32_t y = 0; y < height; y++) png_write_row(png, (png_const_bytep)(hwc + stride * (size_t)y));
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    out->bytes = w->bytes;
    out->size = w->size;
    out->status = EMBER_IMAGE_OK;
    free(w);
}

void ember_image_free(void *pointer) { free(pointer); }

const char *ember_libpng_version(void) { return png_get_libpng_ver(NULL); }
